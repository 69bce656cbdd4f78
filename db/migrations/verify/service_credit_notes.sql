SELECT credit_note_id FROM kassa.pending_charges WHERE false;

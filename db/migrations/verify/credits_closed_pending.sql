SELECT closed_on, closed_reason, settled FROM kassa.pending_charges WHERE false;

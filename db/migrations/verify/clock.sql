SELECT singleton, shift FROM kassa.clock WHERE false;

SELECT segments FROM kassa.messages WHERE false;

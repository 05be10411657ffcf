"""HTTP for the sync engine: push, pull and conflicts (thin views over ``sync``)."""

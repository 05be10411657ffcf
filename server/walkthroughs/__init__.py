"""Signed walkthroughs: the list per unit, the PDF record and its public verification page."""

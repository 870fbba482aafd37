"""The strategies app: a conscious learning strategy per programme or deal, in the essay's three questions."""

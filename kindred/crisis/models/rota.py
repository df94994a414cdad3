"""The rota: shifts, who is on them, and the professional on call behind each."""

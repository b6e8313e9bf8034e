# The ledger, merchants and payments arrive with the canteen issue.

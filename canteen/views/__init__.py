"""Canteen pages: staff (wallet, takeaway, receipts), operators (sales, refunds, reconciliation), Alipay."""

package pos_test

import "qrpos/internal/money"

func moneyCNY(minor int64) money.Amount { return money.New(minor, "CNY") }

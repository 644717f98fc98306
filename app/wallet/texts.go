package wallet

import "qrpos/app/i18n"

// txt are the wallet page's strings, in Chinese and English.
var txt = struct {
	Title, OpenTitle, Intro, Name, Opening, Open, Balance, Member, Code, CodeHelp, CodeDigits, NewCodeIn i18n.Text
	Recent, Nothing, Confirm, Amount, AnswerIn, Decline, Approve, TopUp, Payment, Refund, Voided         i18n.Text
}{
	Title:      i18n.Text{En: "QRPOS wallet", Zh: "QRPOS 钱包"},
	OpenTitle:  i18n.Text{En: "Open a QRPOS wallet", Zh: "开通 QRPOS 钱包"},
	Intro:      i18n.Text{En: "Pay at the table or at the counter from this phone. Top up with cash at the counter.", Zh: "用本手机在餐桌或收银台付款。在收银台用现金充值。"},
	Name:       i18n.Text{En: "Your name (optional)", Zh: "您的姓名（可不填）"},
	Opening:    i18n.Text{En: "Opening…", Zh: "正在开通…"},
	Open:       i18n.Text{En: "Open my wallet", Zh: "开通我的钱包"},
	Balance:    i18n.Text{En: "Balance", Zh: "余额"},
	Member:     i18n.Text{En: "Member number (show it at the counter to top up):", Zh: "会员号（在收银台出示以充值）："},
	Code:       i18n.Text{En: "Payment code", Zh: "付款码"},
	CodeHelp:   i18n.Text{En: "Show it to the cashier to pay. It pays once and changes every 30 seconds.", Zh: "向收银员出示即可付款。每个付款码只能用一次，每 30 秒更新。"},
	CodeDigits: i18n.Text{En: "Payment code digits", Zh: "付款码数字"},
	NewCodeIn:  i18n.Text{En: "New code in %d s", Zh: "%d 秒后更新"},
	Recent:     i18n.Text{En: "Recent", Zh: "最近记录"},
	Nothing:    i18n.Text{En: "Nothing yet.", Zh: "暂无记录。"},
	Confirm:    i18n.Text{En: "Confirm this payment?", Zh: "确认这笔付款？"},
	Amount:     i18n.Text{En: "Amount", Zh: "金额"},
	AnswerIn:   i18n.Text{En: "Answer within %d s", Zh: "请在 %d 秒内确认"},
	Decline:    i18n.Text{En: "Decline", Zh: "拒绝"},
	Approve:    i18n.Text{En: "Approve", Zh: "确认付款"},
	TopUp:      i18n.Text{En: "Top-up", Zh: "充值"},
	Payment:    i18n.Text{En: "Payment", Zh: "付款"},
	Refund:     i18n.Text{En: "Refund", Zh: "退款"},
	Voided:     i18n.Text{En: "Payment voided", Zh: "付款已撤销"},
}

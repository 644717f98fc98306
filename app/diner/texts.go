package diner

import "qrpos/app/i18n"

func tr(t i18n.Text, l i18n.Lang) string { return t.In(l) }

// Strings of the table page.
var (
	txtTitle        = i18n.Text{En: "Order at your table · QRPOS", Zh: "扫码点餐 · QRPOS"}
	txtBadLink      = i18n.Text{En: "This table code does not work", Zh: "此餐桌二维码无效"}
	txtBadLinkHelp  = i18n.Text{En: "The code may be damaged or replaced. Please ask the staff for help.", Zh: "二维码可能已损坏或已更换，请联系服务员。"}
	txtEnded        = i18n.Text{En: "This table was cleared", Zh: "本桌已清台"}
	txtEndedHelp    = i18n.Text{En: "Scan the QR code on the table again to order.", Zh: "如需点餐，请重新扫描桌上的二维码。"}
	txtLoading      = i18n.Text{En: "Loading the menu…", Zh: "正在加载菜单…"}
	txtNoConnection = i18n.Text{En: "No connection. Check the phone's internet and try again.", Zh: "网络未连接，请检查网络后重试。"}
	txtOffline      = i18n.Text{En: "Offline: your cart is kept and will be sent when the connection is back.", Zh: "网络已断开：购物车已保存，联网后自动发送。"}
	txtQueued       = i18n.Text{En: "No connection: your order is kept and will be sent when the connection is back.", Zh: "网络未连接：订单已保存，联网后自动发送。"}
	txtSections     = i18n.Text{En: "Sections", Zh: "栏目"}
	txtMenu         = i18n.Text{En: "Menu", Zh: "菜单"}
	txtCart         = i18n.Text{En: "Cart", Zh: "购物车"}
	txtOrder        = i18n.Text{En: "Order", Zh: "订单"}
	txtCategories   = i18n.Text{En: "Categories", Zh: "分类"}
	txtViewCart     = i18n.Text{En: "View cart", Zh: "查看购物车"}
	txtAdd          = i18n.Text{En: "Add", Zh: "添加"}
	txtSoldOut      = i18n.Text{En: "Sold out", Zh: "已售罄"}
	txtNote         = i18n.Text{En: "Note for the kitchen", Zh: "备注"}
	txtNoteHint     = i18n.Text{En: "e.g. no coriander", Zh: "例如：不要香菜"}
	txtLess         = i18n.Text{En: "One less", Zh: "减一份"}
	txtMore         = i18n.Text{En: "One more", Zh: "加一份"}
	txtCancel       = i18n.Text{En: "Cancel", Zh: "取消"}
	txtAddToCart    = i18n.Text{En: "Add to cart", Zh: "加入购物车"}
	txtCartEmpty    = i18n.Text{En: "Your cart is empty. Add dishes from the menu.", Zh: "购物车是空的，请从菜单添加菜品。"}
	txtTotal        = i18n.Text{En: "Total", Zh: "合计"}
	txtSend         = i18n.Text{En: "Send order to the staff", Zh: "下单"}
	txtSending      = i18n.Text{En: "Sending…", Zh: "正在发送…"}
	txtReceived     = i18n.Text{En: "Received", Zh: "已收到"}
	txtAccepted     = i18n.Text{En: "Accepted", Zh: "已接单"}
	txtInKitchen    = i18n.Text{En: "In the kitchen", Zh: "制作中"}
	txtServed       = i18n.Text{En: "Served", Zh: "已上菜"}
	txtTableOrder   = i18n.Text{En: "Your table's order", Zh: "本桌订单"}
	txtNothingYet   = i18n.Text{En: "Nothing ordered yet.", Zh: "还没有点菜。"}
	txtBillSoFar    = i18n.Text{En: "Bill so far", Zh: "当前账单"}
	txtRejected     = i18n.Text{En: "The staff could not take these dishes", Zh: "以下菜品未被接单"}
	txtHelp         = i18n.Text{En: "Staff", Zh: "服务"}
	txtCallWaiter   = i18n.Text{En: "Call the waiter", Zh: "呼叫服务员"}
	txtAskBill      = i18n.Text{En: "Ask for the bill", Zh: "请求结账"}
	txtCalled       = i18n.Text{En: "The staff have been told.", Zh: "已通知服务员。"}
)

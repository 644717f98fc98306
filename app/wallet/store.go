package wallet

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/wire"
)

// StorageKey is the localStorage key of this phone's wallet device: member
// id, device number, secret (the payment codes are made from it offline)
// and credential.
const StorageKey = "qrpos.wallet.v1"

// Load returns the wallet device kept on this phone, if any.
func Load(ctx app.Context) (wire.WalletDevice, bool) {
	var d wire.WalletDevice
	if app.IsServer {
		return d, false
	}
	if err := ctx.LocalStorage().Get(StorageKey, &d); err != nil || d.MemberID == "" || d.Secret == "" {
		return wire.WalletDevice{}, false
	}
	return d, true
}

// Save keeps the wallet device on this phone.
func Save(ctx app.Context, d wire.WalletDevice) error {
	return ctx.LocalStorage().Set(StorageKey, d)
}

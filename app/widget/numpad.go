package widget

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/money"
)

// Numpad keys besides the digits.
const (
	KeyBack  = "back"
	KeyClear = "clear"
	KeyDot   = "."
)

// Numpad renders a 3x4 keypad: 1-9, then Clear (or "." when dot is true), 0
// and Back. Each key has data-testid prefix-key-<key> ("." is "dot") and a
// label for screen readers.
func Numpad(prefix string, dot bool, onKey func(ctx app.Context, key string)) app.UI {
	keys := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", KeyClear, "0", KeyBack}
	if dot {
		keys[9] = KeyDot
	}
	return app.Div().
		Class("numpad").
		DataSet("testid", prefix+"-numpad").
		Attr("role", "group").
		Aria("label", "Number pad").
		Body(app.Range(keys).Slice(func(i int) app.UI {
			k := keys[i]
			text, label, name, class := k, k, k, "key"
			switch k {
			case KeyBack:
				text, label, class = "⌫", "Delete last digit", "key fn"
			case KeyClear:
				text, label, class = "C", "Clear", "key fn"
			case KeyDot:
				text, label, name = ".", "Decimal point", "dot"
			}
			return app.Button().
				Class(class).
				Type("button").
				DataSet("testid", prefix+"-key-"+name).
				Aria("label", label).
				OnClick(func(ctx app.Context, e app.Event) { onKey(ctx, k) }, app.EventScope(prefix, k)).
				Text(text)
		}))
}

// KeyEnter is what KeyboardKey returns for the Enter key.
const KeyEnter = "enter"

// KeyboardKey maps a KeyboardEvent.key value from a physical keyboard to a
// numpad key: digits, ".", Backspace, Delete/Escape (clear) and Enter.
func KeyboardKey(key string) (string, bool) {
	switch key {
	case "Backspace":
		return KeyBack, true
	case "Delete", "Escape":
		return KeyClear, true
	case "Enter":
		return KeyEnter, true
	case ".", ",":
		return KeyDot, true
	}
	if len(key) == 1 && key[0] >= '0' && key[0] <= '9' {
		return key, true
	}
	return "", false
}

// OnKeyboard returns a keydown handler that feeds a physical keyboard to a
// numpad: onKey receives the mapped key (KeyEnter for Enter).
func OnKeyboard(onKey func(ctx app.Context, key string)) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		k, ok := KeyboardKey(e.Get("key").String())
		if !ok || e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() || e.Get("altKey").Bool() {
			return
		}
		if t := e.Get("target").Get("tagName").String(); t == "INPUT" || t == "TEXTAREA" {
			return
		}
		e.PreventDefault()
		onKey(ctx, k)
	}
}

// PressPIN applies a numpad key to a PIN being typed, keeping at most max
// digits.
func PressPIN(pin, key string, max int) string {
	switch key {
	case KeyBack:
		if pin == "" {
			return ""
		}
		return pin[:len(pin)-1]
	case KeyClear:
		return ""
	}
	if len(key) != 1 || key[0] < '0' || key[0] > '9' || len(pin) >= max {
		return pin
	}
	return pin + key
}

// maxIntDigits bounds the whole part of a typed amount (up to 9,999,999).
const maxIntDigits = 7

// PressAmount applies a numpad key to an amount being typed as a decimal
// string, for a currency with the given number of fraction digits: one
// decimal point at most, no more fraction digits than the currency has, no
// leading zeros, at most 7 whole digits.
func PressAmount(entry, key string, digits int) string {
	switch key {
	case KeyBack:
		if entry == "" {
			return ""
		}
		entry = entry[:len(entry)-1]
		if entry == "0" {
			return ""
		}
		return entry
	case KeyClear:
		return ""
	case KeyDot:
		if digits == 0 || strings.Contains(entry, ".") {
			return entry
		}
		if entry == "" {
			return "0."
		}
		return entry + "."
	}
	if len(key) != 1 || key[0] < '0' || key[0] > '9' {
		return entry
	}
	whole, frac, hasDot := strings.Cut(entry, ".")
	if hasDot {
		if len(frac) >= digits {
			return entry
		}
		return entry + key
	}
	if whole == "0" || whole == "" {
		if key == "0" {
			return "0"
		}
		return key
	}
	if len(whole) >= maxIntDigits {
		return entry
	}
	return entry + key
}

// EntryAmount converts a typed entry to an amount ("" is zero).
func EntryAmount(entry, currency string) (money.Amount, error) {
	entry = strings.TrimSuffix(entry, ".")
	if entry == "" {
		return money.New(0, currency), nil
	}
	return money.ParseDecimal(entry, currency)
}

// AmountEntry is the inverse of EntryAmount: the entry a quick button types.
func AmountEntry(a money.Amount) string {
	d := a.Decimal()
	if whole, frac, ok := strings.Cut(d, "."); ok && strings.Trim(frac, "0") == "" {
		return whole
	}
	return d
}

// Package i18n holds the languages of the diner's pages: Simplified Chinese
// and English, chosen from the browser's language and switchable by the
// diner (the choice is kept in localStorage). Pages declare their strings
// next to their code as Text values, so a missing translation is a compile
// error rather than a key that renders as itself.
package i18n

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Lang is a language of the diner's pages.
type Lang string

// The languages we translate into.
const (
	En Lang = "en"
	Zh Lang = "zh"
)

// StorageKey is the localStorage key of the diner's explicit choice.
const StorageKey = "qrpos.lang"

// Tag is l's BCP 47 tag for <html lang>: zh-CN or en.
func (l Lang) Tag() string {
	if l == Zh {
		return "zh-CN"
	}
	return "en"
}

// Text is one string in every language.
type Text struct{ En, Zh string }

// In returns t in l (English for an unknown language).
func (t Text) In(l Lang) string {
	if l == Zh && t.Zh != "" {
		return t.Zh
	}
	return t.En
}

// Match picks our language for a list of browser languages (BCP 47 tags in
// order of preference, as navigator.languages): the first Chinese or English
// tag decides; anything else falls back to English. Traditional Chinese tags
// (zh-TW, zh-HK, zh-Hant) still get Simplified Chinese, which their readers
// read more easily than English.
func Match(tags []string) Lang {
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == "zh" || strings.HasPrefix(t, "zh-"):
			return Zh
		case t == "en" || strings.HasPrefix(t, "en-"):
			return En
		}
	}
	return En
}

// Parse returns the Lang named by s, or false.
func Parse(s string) (Lang, bool) {
	switch Lang(s) {
	case En, Zh:
		return Lang(s), true
	}
	return "", false
}

// Current returns the diner's language: their explicit choice if they made
// one on this phone, else the browser's languages.
func Current(ctx app.Context) Lang {
	var saved string
	if ctx.LocalStorage().Get(StorageKey, &saved) == nil {
		if l, ok := Parse(saved); ok {
			return l
		}
	}
	return Match(browserLanguages())
}

// Choose keeps the diner's choice on this phone and sets the document's
// lang attribute (for screen readers and fonts).
func Choose(ctx app.Context, l Lang) {
	ctx.LocalStorage().Set(StorageKey, string(l))
	SetDocumentLang(l)
	if app.IsClient {
		// The server renders the first view of a table page: the cookie
		// tells it the diner's choice.
		app.Window().Get("document").Set("cookie", CookieName+"="+string(l)+"; Path=/; Max-Age=31536000; SameSite=Lax")
	}
}

// CookieName is the cookie that carries the diner's choice to the server.
const CookieName = "qrpos_lang"

// ForRequest returns the language of a page the server renders: the
// diner's choice (the cookie's value), else the first of the
// Accept-Language header's languages we translate into (q-values are
// ignored: browsers list languages by preference).
func ForRequest(cookie, acceptLanguage string) Lang {
	if l, ok := Parse(cookie); ok {
		return l
	}
	var tags []string
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if tag = strings.TrimSpace(tag); tag != "" && tag != "*" {
			tags = append(tags, tag)
		}
	}
	return Match(tags)
}

// SetDocumentLang sets <html lang>, so screen readers pronounce the page in
// the right language and browsers pick CJK fonts for Chinese.
func SetDocumentLang(l Lang) {
	if !app.IsClient {
		return
	}
	app.Window().Get("document").Get("documentElement").Call("setAttribute", "lang", l.Tag())
}

func browserLanguages() []string {
	if !app.IsClient {
		return nil
	}
	nav := app.Window().Get("navigator")
	var tags []string
	if ls := nav.Get("languages"); ls.Truthy() {
		for i := 0; i < ls.Length(); i++ {
			tags = append(tags, ls.Index(i).String())
		}
	}
	if l := nav.Get("language"); l.Truthy() {
		tags = append(tags, l.String())
	}
	return tags
}

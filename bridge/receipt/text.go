package receipt

import (
	"strings"
	"unicode/utf8"

	"qrpos/bridge/escpos"
)

// RuneWidth returns the columns r takes on the printer: 1 for ASCII, 2 for
// everything else. Printer fonts draw every double-byte (GB) character two
// columns wide, and characters without a GB code print as '?' only after
// Sanitize, which layout applies first.
func RuneWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return 2
}

// Width returns the columns s takes (see RuneWidth).
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += RuneWidth(r)
	}
	return n
}

// clean turns s into one printable line: tabs and line breaks become spaces,
// runs of spaces shrink to one, and what the printer cannot print becomes
// '?' (escpos.Sanitize).
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return escpos.Sanitize(s)
}

// Wrap breaks s into lines of at most w columns. It breaks at spaces and on
// either side of a wide (CJK) character, and splits a word longer than w
// where it must. Line breaks in s start a new line. w below 2 counts as 2
// so that a wide character always fits.
func Wrap(s string, w int) []string {
	if w < 2 {
		w = 2
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = wrapPara(lines, clean(para), w)
	}
	return lines
}

func wrapPara(lines []string, s string, w int) []string {
	var cur []rune
	curW := 0
	emit := func(rs []rune) {
		lines = append(lines, strings.TrimRight(string(rs), " "))
	}
	for _, r := range s {
		rw := RuneWidth(r)
		if r == ' ' && curW == 0 {
			continue
		}
		if curW+rw > w {
			switch {
			case r == ' ':
				emit(cur)
				cur, curW = cur[:0], 0
				continue
			case rw == 2:
				emit(cur)
				cur, curW = cur[:0], 0
			default:
				p := lastBreak(cur)
				if p <= 0 {
					emit(cur)
					cur, curW = cur[:0], 0
					break
				}
				emit(cur[:p])
				rest := []rune(strings.TrimLeft(string(cur[p:]), " "))
				cur, curW = append(cur[:0], rest...), 0
				for _, c := range cur {
					curW += RuneWidth(c)
				}
			}
		}
		cur = append(cur, r)
		curW += rw
	}
	if curW > 0 {
		emit(cur)
	}
	return lines
}

// lastBreak returns the last index p > 0 at which cur may be split into
// cur[:p] and cur[p:], or 0 if there is none.
func lastBreak(cur []rune) int {
	for p := len(cur) - 1; p > 0; p-- {
		if cur[p-1] == ' ' || RuneWidth(cur[p]) == 2 || RuneWidth(cur[p-1]) == 2 {
			return p
		}
	}
	return 0
}

// wrapIndent wraps s to w columns with first before the first line and
// rest before the others (a hanging indent).
func wrapIndent(s string, w int, first, rest string) []string {
	iw := max(Width(first), Width(rest))
	lines := Wrap(s, w-iw)
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return lines
}

// pair lays out left and right on the same line, right-aligned to w
// columns. A left side too long wraps, and right goes on its last line; a
// right side too wide for that goes on a line of its own.
func pair(left, right string, w int) []string {
	right = clean(right)
	l := clean(left)
	lw, rw := Width(l), Width(right)
	if rw == 0 {
		return Wrap(left, w)
	}
	if lw+1+rw <= w {
		return []string{l + strings.Repeat(" ", w-lw-rw) + right}
	}
	if avail := w - rw - 1; avail >= w/2 {
		lines := Wrap(left, avail)
		if len(lines) == 0 {
			lines = []string{""}
		}
		last := lines[len(lines)-1]
		lines[len(lines)-1] = last + strings.Repeat(" ", w-Width(last)-rw) + right
		return lines
	}
	lines := Wrap(left, w)
	for _, r := range Wrap(right, w) {
		lines = append(lines, strings.Repeat(" ", w-Width(r))+r)
	}
	return lines
}

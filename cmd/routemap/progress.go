package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports how far a long step is, on stderr: a bar on a
// terminal, a plain line every few seconds otherwise, nothing when off.
type progress struct {
	bar   *progressbar.ProgressBar
	w     io.Writer
	what  string
	total int64
	n     int64
	last  time.Time
	off   bool
}

// newProgress starts reporting a step of total units (0 when unknown).
// mode is auto, bar, plain or none.
func newProgress(stderr io.Writer, mode, what string, total int64) *progress {
	p := &progress{w: stderr, what: what, total: total, last: time.Now()}
	tty := false
	if f, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	switch {
	case mode == "none":
		p.off = true
	case mode == "bar" || mode == "auto" && tty:
		p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	return p
}

// Set reports n units done.
func (p *progress) Set(n int64) {
	if p == nil || p.off {
		return
	}
	p.n = n
	if p.bar != nil {
		p.bar.Set64(n)
		return
	}
	if time.Since(p.last) >= 2*time.Second {
		p.last = time.Now()
		if p.total > 0 {
			fmt.Fprintf(p.w, "routemap: %s: %d/%d (%d%%)\n", p.what, n, p.total, n*100/p.total)
		} else {
			fmt.Fprintf(p.w, "routemap: %s: %d\n", p.what, n)
		}
	}
}

// Add reports d more units done.
func (p *progress) Add(d int64) {
	if p != nil {
		p.Set(p.n + d)
	}
}

// Done ends the report.
func (p *progress) Done() {
	if p == nil || p.off {
		return
	}
	if p.bar != nil {
		p.bar.Finish()
	}
}

package capture

import (
	"net/http"
	"time"

	"gaff/storage"
)

// DefaultHangCap bounds a hang rule: long past any provider's timeout
// (the longest is 30 s), short enough that held connections cannot pile up
// for ever.
const DefaultHangCap = 5 * time.Minute

// maxDripPieces bounds the writes of one dripped body.
const maxDripPieces = 100

// Stop ends every hang at once (its connection is closed unanswered) and
// sends the rest of every dripping or delayed answer now, so a shutdown
// does not wait on them. Call it before the server's Shutdown.
func (h *Handler) Stop() { h.stopOnce.Do(func() { close(h.stopping) }) }

// noteMisbehaviour records in the row, before it is stored, what gaff is
// about to do instead of a plain answer (ARCHITECTURE.md, "Answers that
// change over time"): a row with status 0 was never answered.
func (h *Handler) noteMisbehaviour(req *storage.Request, a *Answer) {
	var note string
	switch {
	case a.Reset:
		note = "reset: gaff closed the connection without an answer (--respond … reset)"
	case a.Hang:
		note = "hang: gaff held the connection without an answer until the sender gave up, " +
			"or for " + h.cfg.HangCap.String() + " at most, then closed it (--respond … hang)"
	case a.Drip > 0:
		note = "drip: the answer's body was sent slowly, over " + a.Drip.String() + " (--respond … drip=)"
	default:
		return
	}
	if a.Hang || a.Reset {
		req.Status = 0
	}
	if a.Delay > 0 {
		note += ", after a delay of " + a.Delay.String()
	}
	if req.Note != "" {
		note = req.Note + "; " + note
	}
	req.Note = note
}

// extend keeps the server's read and write timeouts from cutting an answer
// the user asked to take d: net/http cancels a request whose connection's
// read deadline passes, even with the body read.
func extend(w http.ResponseWriter, d time.Duration) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(d + ReadTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(d + WriteTimeout))
}

// wait waits d, or less once Stop is called; false when the sender gave
// up first.
func (h *Handler) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-h.stopping:
		return true
	case <-r.Context().Done():
		return false
	}
}

// hang holds the connection unanswered until the sender gives up, the cap
// passes or Stop is called.
func (h *Handler) hang(w http.ResponseWriter, r *http.Request) {
	extend(w, h.cfg.HangCap)
	h.wait(r, h.cfg.HangCap)
}

// abort closes the connection without an answer: net/http's own way,
// which works for HTTP/1 (the connection closes) and HTTP/2 (the stream is
// reset) alike, and logs nothing.
func abort() { panic(http.ErrAbortHandler) }

// drip sends the status and headers now and body in pieces spread over d;
// an empty body still takes d to end, as the rule asked for a slow answer.
func (h *Handler) drip(w http.ResponseWriter, r *http.Request, body []byte, d time.Duration) {
	extend(w, d)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if len(body) == 0 {
		h.wait(r, d)
		return
	}
	pieces := min(len(body), maxDripPieces)
	for i := range pieces {
		if !h.wait(r, d/time.Duration(pieces)) {
			return
		}
		if _, err := w.Write(body[len(body)*i/pieces : len(body)*(i+1)/pieces]); err != nil {
			return
		}
		_ = rc.Flush()
	}
}

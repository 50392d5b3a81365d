package capture

import (
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server timeouts. A header must arrive promptly (slowloris); a body may take
// a while at 25 MiB over a slow link; idle keep-alive connections are closed
// so they cannot pile up.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 2 * time.Minute
	WriteTimeout      = 2 * time.Minute
	IdleTimeout       = 90 * time.Second
	MaxHeaderBytes    = 1 << 20
)

// NewServer returns an http.Server for h with gaff's limits. Its error log
// goes to log, never to the terminal the TUI owns.
func NewServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ConnContext:       connContext,
		// Left on, net/http answers "OPTIONS *" 200 itself and the handler
		// never sees it: a 2xx for a request that was not stored.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Listener wraps l so the handler can recover each request's headers as
// they arrived, and record requests net/http refuses; via names the
// listener in stored rows ("local", "ngrok").
func (h *Handler) Listener(l net.Listener, via string) net.Listener {
	return &recListener{Listener: l, via: via, window: MaxHeaderBytes + 64<<10, refused: h.storeRefused}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/storage"
	"gaff/ui"
)

const defaultListen = "127.0.0.1:4747"

type runOptions struct {
	db        string
	listen    string
	listenSet bool
	maxBody   int64
	headless  bool
	logPath   string
}

func run(ctx context.Context, o runOptions) error {
	log, closeLog, err := openLog(o.logPath, o.headless)
	if err != nil {
		return err
	}
	defer closeLog()
	// Libraries that log through slog's default (the ngrok SDK does) must
	// not write over the TUI.
	slog.SetDefault(log)

	if o.db == "" {
		if o.db, err = storage.DefaultPath(); err != nil {
			return err
		}
	}
	db, err := storage.Open(o.db, storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := listenLocal(o.listen, o.listenSet)
	if err != nil {
		return err
	}
	localURL := "http://" + ln.Addr().String()

	h := capture.New(capture.Config{DB: db, MaxBody: o.maxBody, Log: log})
	srv := capture.NewServer(h, log)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(capture.Listener(ln, "local")) }()
	log.Info("listening", "url", localURL, "db", o.db)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if o.headless {
		fmt.Fprintf(os.Stderr, "gaff: listening on %s (database %s)\n", localURL, o.db)
		err = runHeadless(ctx, db, os.Stdout, serveErr)
	} else {
		app := ui.New(ui.Deps{DB: db, LocalURL: localURL, Health: h.Health})
		p := tea.NewProgram(app, tea.WithContext(ctx))
		_, err = p.Run()
		if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
			err = nil
		}
	}
	shutdown(srv, log)
	return err
}

// listenLocal binds the local listener. When the user did not choose an
// address and the default port is taken (another gaff?), the next free port
// is used so gaff always starts.
func listenLocal(addr string, chosen bool) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil || chosen {
		if err != nil {
			return nil, fmt.Errorf("cannot listen on %s: %w; pick another address with --listen", addr, err)
		}
		return ln, nil
	}
	host, _, _ := net.SplitHostPort(addr)
	for port := 4748; port < 4768; port++ {
		if ln, err2 := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port))); err2 == nil {
			return ln, nil
		}
	}
	if ln, err2 := net.Listen("tcp", net.JoinHostPort(host, "0")); err2 == nil {
		return ln, nil
	}
	return nil, fmt.Errorf("cannot listen on %s: %w; pick another address with --listen", addr, err)
}

// shutdown lets in-flight captures finish (their commits included) before
// the database is closed by the caller.
func shutdown(srv *http.Server, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("shutdown: requests still in flight were cut", "err", err)
		srv.Close()
	}
}

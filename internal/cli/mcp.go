package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"gaff/storage"
)

func mcpCmd(dbf *dbFlags, version string) *cobra.Command {
	return &cobra.Command{
		Use:   "mcp",
		Short: "Serve the Model Context Protocol on stdio, for coding agents",
		Long: `Speak the Model Context Protocol on standard input and output, so a
coding agent can use gaff: search and read captures, wait for the next one
matching a search, replay one, send a signed test event, diff two. Run it
beside a gaff that captures into the same --db; it reads that database
as gaff list does and records replays and sends as gaff replay does.
Standard output carries only the protocol; messages go to standard error.
README.md, "Coding agents (MCP)", shows how to register it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s := &mcpServer{dbf: dbf}
			defer s.close()
			srv := mcp.NewServer(&mcp.Implementation{Name: "gaff", Version: version}, &mcp.ServerOptions{
				Instructions: mcpInstructions,
				Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
			})
			s.addTools(srv)
			err := srv.Run(cmd.Context(), &mcp.StdioTransport{})
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		},
	}
}

const mcpInstructions = `gaff catches webhooks: every request sent to its URL is stored as a capture with an id.
Use search_captures to find captures (gaff's search syntax), get_capture for one whole,
wait_for_capture to block until the next matching webhook arrives (e.g. after triggering one),
replay_capture to send a capture again to a handler, send_test_event to send a signed sample
event, and diff_captures to see what changed between two deliveries.`

// mcpServer holds the database the tools read, opened on first use so
// the server can start before gaff has ever created it.
type mcpServer struct {
	dbf *dbFlags
	mu  sync.Mutex
	db  *storage.DB
}

func (s *mcpServer) read() (*storage.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		return s.db, nil
	}
	path, err := s.dbf.resolve()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s yet: start gaff (gaff --headless, or the TUI) with the same --db to capture webhooks", path)
	}
	db, err := openRead(s.dbf)
	if err != nil {
		return nil, err
	}
	s.db = db
	return db, nil
}

func (s *mcpServer) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		s.db.Close()
	}
}

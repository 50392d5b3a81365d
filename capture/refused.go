package capture

import (
	"bytes"
	"context"
	"strconv"
	"time"

	"gaff/storage"
)

// storeRefused records a request that net/http answered itself because it
// could not parse it: raw control bytes in a header, a bad request line, a
// head over the size limit. The sender got a 4xx, so nothing was promised;
// but the user is debugging exactly such senders, so gaff keeps what
// arrived, parsed leniently, as data.
func (h *Handler) storeRefused(c *recConn, reply []byte) {
	req := parseRefused(c.unclaimed(), reply, h.cfg.MaxBody)
	if req == nil {
		return
	}
	req.Time = time.Now()
	req.Via = c.via
	req.RemoteAddr = c.RemoteAddr().String()
	if err := h.cfg.DB.InsertRequest(context.Background(), req); err != nil {
		h.cfg.Log.Warn("could not store a refused request", "err", err)
	}
}

// parseRefused reads, leniently, the request at the end of raw that
// net/http refused with reply; nil when raw holds no request line.
func parseRefused(raw, reply []byte, maxBody int64) *storage.Request {
	start := requestLineStart(raw)
	if start < 0 {
		return nil
	}
	raw = raw[start:]
	status, reason := refusalStatus(reply)
	req := &storage.Request{
		Summary: storage.Summary{Status: status,
			Note: "refused by gaff's HTTP parser (" + reason + "); stored as it arrived"},
	}
	end := headEnd(raw)
	head := raw
	if end > 0 {
		head = raw[:end]
		req.Body = raw[end:]
	} else {
		req.Truncated = true
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	parts := bytes.SplitN(line, []byte(" "), 3)
	req.Method = string(parts[0])
	if len(parts) > 1 {
		req.Target = string(parts[1])
	}
	if len(parts) > 2 {
		req.Proto = string(parts[2])
	}
	req.Headers = parseHead(head)
	req.Host = req.Headers.Get("Host")
	if n, err := strconv.ParseInt(req.Headers.Get("Content-Length"), 10, 64); err == nil && n >= 0 && int64(len(req.Body)) > n {
		req.Body = req.Body[:n]
	}
	if int64(len(req.Body)) > maxBody {
		req.Body = req.Body[:maxBody]
		req.Truncated = true
	}
	req.Size = int64(len(req.Body))
	return req
}

// requestLineStart finds the last line in b that looks like a request line
// (TOKEN SP target SP HTTP/x). A connection's recent bytes may begin with the
// tail of the previous request's body.
func requestLineStart(b []byte) int {
	best := -1
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		line := b[i:]
		if j >= 0 {
			line = b[i : i+j]
		}
		if looksLikeRequestLine(line) {
			best = i
		}
		if j < 0 {
			break
		}
		i += j + 1
	}
	return best
}

func looksLikeRequestLine(line []byte) bool {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return false
	}
	for _, c := range line[:sp] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return bytes.Contains(line[sp:], []byte(" HTTP/"))
}

// refusalStatus reads the code and reason net/http wrote.
func refusalStatus(reply []byte) (int, string) {
	line, rest, _ := bytes.Cut(reply, []byte("\r\n"))
	code := 400
	if len(line) >= 12 {
		if n, err := strconv.Atoi(string(line[9:12])); err == nil {
			code = n
		}
	}
	_, body, _ := bytes.Cut(rest, []byte("\r\n\r\n"))
	reason := string(body)
	if reason == "" {
		reason = string(line[min(len(line), 13):])
	}
	return code, reason
}

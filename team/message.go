package team

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"gaff/storage"
)

// wireVersion is the message format's; a member refuses what it does not know.
const wireVersion = 1

// meta is a capture without its body. A message is its JSON, a newline,
// then the body's bytes as they arrived: no base64, so a body costs its
// own size on the wire.
type meta struct {
	V          int         `json:"v"`
	From       string      `json:"from"`
	ID         int64       `json:"id"` // the sender's id, for messages and logs
	Time       int64       `json:"time"`
	Method     string      `json:"method"`
	Target     string      `json:"target"`
	Host       string      `json:"host,omitempty"`
	Proto      string      `json:"proto,omitempty"`
	RemoteAddr string      `json:"remote_addr,omitempty"`
	Via        string      `json:"via,omitempty"`
	Headers    [][2]string `json:"headers"`
	Size       int64       `json:"size"`
	Truncated  bool        `json:"truncated,omitempty"`
	Status     int         `json:"status"`
	Provider   string      `json:"provider,omitempty"`
	Signature  string      `json:"signature,omitempty"`
	SigReason  string      `json:"sig_reason,omitempty"`
	Handshake  string      `json:"handshake,omitempty"`
	CType      string      `json:"content_type,omitempty"`
	Note       string      `json:"note,omitempty"`
	Event      string      `json:"event,omitempty"`
	DeliveryID string      `json:"delivery_id,omitempty"`
}

// msgID is a capture's unique id in the team: this database's random id and
// the capture's, so a publish retried is recognised by the server and a
// message delivered twice by each member.
func msgID(dbID string, id int64) string { return fmt.Sprintf("%s-%d", dbID, id) }

// encode makes r's message. A body that would not fit in limit bytes is cut
// to fit and marked truncated, with a note saying so (ARCHITECTURE.md, "Team").
func encode(subject, from, id string, r *storage.Request, limit int) (*nats.Msg, error) {
	m := meta{V: wireVersion, From: from, ID: r.ID, Time: r.Time.UnixNano(), Method: r.Method, Target: r.Target,
		Host: r.Host, Proto: r.Proto, RemoteAddr: r.RemoteAddr, Via: r.Via, Size: r.Size, Truncated: r.Truncated,
		Status: r.Status, Provider: r.Provider, Signature: r.Signature, SigReason: r.SigReason, Handshake: r.Handshake,
		CType: r.ContentType, Note: r.Note, Event: r.Event, DeliveryID: r.DeliveryID}
	m.Headers = make([][2]string, len(r.Headers))
	for i, h := range r.Headers {
		m.Headers[i] = [2]string{h.Name, h.Value}
	}
	body := r.Body
	head, err := json.Marshal(&m)
	if err != nil {
		return nil, err
	}
	// headerRoom is what the message id and NATS headers take.
	const headerRoom = 512
	if room := limit - len(head) - 1 - headerRoom; len(body) > room {
		if room < 0 {
			return nil, fmt.Errorf("capture #%d's headers alone are larger than the team server's %d-byte messages", r.ID, limit)
		}
		body = body[:room]
		m.Truncated = true
		cut := fmt.Sprintf("the body was cut to %d of %d bytes to fit the team server's %d-byte messages", room, len(r.Body), limit)
		if m.Note != "" {
			cut = m.Note + "; " + cut
		}
		m.Note = cut
		if head, err = json.Marshal(&m); err != nil {
			return nil, err
		}
		if room = limit - len(head) - 1 - headerRoom; room < len(body) {
			body = body[:max(room, 0)]
		}
	}
	data := make([]byte, 0, len(head)+1+len(body))
	data = append(append(append(data, head...), '\n'), body...)
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(nats.MsgIdHdr, id)
	return msg, nil
}

// decode reads a message into a capture from member who, keyed by the
// message's id.
func decode(who string, h nats.Header, data []byte) (*storage.Request, error) {
	key := h.Get(nats.MsgIdHdr)
	if key == "" {
		return nil, errors.New("a message without an id (not from gaff)")
	}
	head, body, ok := bytes.Cut(data, []byte{'\n'})
	if !ok {
		return nil, errors.New("a message without a capture (not from gaff)")
	}
	var m meta
	if err := json.Unmarshal(head, &m); err != nil {
		return nil, fmt.Errorf("a message that is not a capture: %w", err)
	}
	if m.V != wireVersion {
		return nil, fmt.Errorf("a capture in format %d; this gaff reads format %d (upgrade gaff)", m.V, wireVersion)
	}
	r := &storage.Request{Host: m.Host, Proto: m.Proto, RemoteAddr: m.RemoteAddr, Body: bytes.Clone(body), OriginKey: key}
	r.Summary = storage.Summary{Time: time.Unix(0, m.Time), Method: m.Method, Target: m.Target, Size: m.Size,
		Truncated: m.Truncated, Status: m.Status, Provider: m.Provider, Event: m.Event, Signature: m.Signature,
		SigReason: m.SigReason, Handshake: m.Handshake, ContentType: m.CType, Via: m.Via, Note: m.Note,
		DeliveryID: m.DeliveryID, Origin: who}
	r.Headers = make(storage.Headers, len(m.Headers))
	for i, h := range m.Headers {
		r.Headers[i] = storage.Header{Name: h[0], Value: h[1]}
	}
	return r, nil
}

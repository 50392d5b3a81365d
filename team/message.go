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

// meta is a capture without its body. A message holds one or more
// records, each its meta as JSON, a newline, then BodyLen bytes of body as
// they arrived: no base64, so a body costs its own size on the wire.
type meta struct {
	V          int         `json:"v"`
	Key        string      `json:"key"` // the capture's unique id in the team (captureKey)
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
	BodyLen    int         `json:"body_len"`
}

// captureKey is a capture's unique id in the team: this database's random
// id and the capture's. Each member stores it as the capture's origin key,
// so a capture delivered twice is stored once.
func captureKey(dbID string, id int64) string { return fmt.Sprintf("%s-%d", dbID, id) }

// headerRoom is what a message's id and NATS headers take of its limit.
const headerRoom = 512

// A recorder encodes records for the shipper, reusing its buffer and
// header slice from one capture to the next: allocating and copying each
// record anew was half of what shipping cost a member (a CPU profile under
// bench/team's load, ARCHITECTURE.md "Team").
type recorder struct {
	head bytes.Buffer
	enc  *json.Encoder
	m    meta
}

func newRecorder() *recorder {
	rc := &recorder{}
	rc.enc = json.NewEncoder(&rc.head)
	rc.enc.SetEscapeHTML(false)
	return rc
}

// encode leaves r's record head (its meta as JSON, then the newline the
// encoder ends it with) in rc.head and returns the body that follows it.
// For a message of at most limit bytes, a body that would not fit is cut
// to fit and marked truncated, with a note saying so (ARCHITECTURE.md,
// "Team").
func (rc *recorder) encode(from, key string, r *storage.Request, limit int) ([]byte, error) {
	hs := rc.m.Headers[:0]
	for _, h := range r.Headers {
		hs = append(hs, [2]string{h.Name, h.Value})
	}
	rc.m = meta{V: wireVersion, Key: key, From: from, ID: r.ID, Time: r.Time.UnixNano(), Method: r.Method, Target: r.Target,
		Host: r.Host, Proto: r.Proto, RemoteAddr: r.RemoteAddr, Via: r.Via, Headers: hs, Size: r.Size, Truncated: r.Truncated,
		Status: r.Status, Provider: r.Provider, Signature: r.Signature, SigReason: r.SigReason, Handshake: r.Handshake,
		CType: r.ContentType, Note: r.Note, Event: r.Event, DeliveryID: r.DeliveryID, BodyLen: len(r.Body)}
	body := r.Body
	rc.head.Reset()
	if err := rc.enc.Encode(&rc.m); err != nil {
		return nil, err
	}
	if room := limit - rc.head.Len() - headerRoom; len(body) > room {
		// The note and the new length make the head longer: leave room
		// for them, then cut.
		room -= 256 + len(rc.m.Note)
		if room < 0 {
			return nil, fmt.Errorf("capture #%d's headers alone are larger than the team server's %d-byte messages", r.ID, limit)
		}
		body = body[:room]
		rc.m.Truncated, rc.m.BodyLen = true, room
		cut := fmt.Sprintf("the body was cut to %d of %d bytes to fit the team server's %d-byte messages", room, len(r.Body), limit)
		if rc.m.Note != "" {
			cut = rc.m.Note + "; " + cut
		}
		rc.m.Note = cut
		rc.head.Reset()
		if err := rc.enc.Encode(&rc.m); err != nil {
			return nil, err
		}
	}
	return body, nil
}

// message wraps records (of captures first to last) as one message. Its id
// names the run of captures, so the server drops a publish retried as it
// was; a run batched differently after a restart is dropped by the
// members' origin keys instead.
func message(subject, dbID string, first, last int64, data []byte) *nats.Msg {
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(nats.MsgIdHdr, fmt.Sprintf("%s-%d-%d", dbID, first, last))
	return msg
}

// decode reads a message's captures from member who.
func decode(who string, data []byte) ([]*storage.Request, error) {
	var out []*storage.Request
	for len(data) > 0 {
		head, rest, ok := bytes.Cut(data, []byte{'\n'})
		if !ok {
			return out, errors.New("a message without a capture (not from gaff)")
		}
		var m meta
		if err := json.Unmarshal(head, &m); err != nil {
			return out, fmt.Errorf("a message that is not a capture: %w", err)
		}
		if m.V != wireVersion {
			return out, fmt.Errorf("a capture in format %d; this gaff reads format %d (upgrade gaff)", m.V, wireVersion)
		}
		if m.Key == "" || m.BodyLen < 0 || m.BodyLen > len(rest) {
			return out, errors.New("a capture without its key or with a short body (not from gaff)")
		}
		body := rest[:m.BodyLen]
		data = rest[m.BodyLen:]
		r := &storage.Request{Host: m.Host, Proto: m.Proto, RemoteAddr: m.RemoteAddr, Body: bytes.Clone(body), OriginKey: m.Key}
		r.Summary = storage.Summary{Time: time.Unix(0, m.Time), Method: m.Method, Target: m.Target, Size: m.Size,
			Truncated: m.Truncated, Status: m.Status, Provider: m.Provider, Event: m.Event, Signature: m.Signature,
			SigReason: m.SigReason, Handshake: m.Handshake, ContentType: m.CType, Via: m.Via, Note: m.Note,
			DeliveryID: m.DeliveryID, Origin: who}
		r.Headers = make(storage.Headers, len(m.Headers))
		for i, h := range m.Headers {
			r.Headers[i] = storage.Header{Name: h[0], Value: h[1]}
		}
		out = append(out, r)
	}
	return out, nil
}

package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"gaff/internal/bytesize"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// deliveriesShown bounds the attempts listed for one request; the newest
// come first, where the user looks after pressing r.
const deliveriesShown = 20

// responseLines is how much of each response body the tab shows inline.
const responseLines = 12

type deliveriesMsg struct {
	id       int64
	list     []*storage.Delivery
	err      error
	arrivals arrivals
}

func loadDeliveries(c *common, s storage.Summary) func() tea.Msg {
	return func() tea.Msg { return readDeliveries(c, s) }
}

// readDeliveries reads the attempts made from s and the arrivals of its
// delivery; it does I/O, so only commands call it.
func readDeliveries(c *common, s storage.Summary) deliveriesMsg {
	list, err := c.db.ListDeliveries(c.run, storage.DeliveryFilter{RequestID: s.ID, Limit: deliveriesShown})
	return deliveriesMsg{id: s.ID, list: list, err: err, arrivals: loadArrivals(c.run, c.db, &s)}
}

// deliveryLines lists every attempt made from this capture — replays,
// edits, forwards — each with what came back: the handler's response is
// what the user is fixing.
func deliveryLines(list []*storage.Delivery, err error, st *Styles) staticLines {
	if err != nil {
		// Never "not sent anywhere" when gaff could not tell.
		return staticLines{st.Error.Render("✗ cannot read the deliveries: " + sanitize.Line(err.Error())),
			st.Muted.Render("gaff reads them again at the next change; quitting and reopening also retries.")}
	}
	if len(list) == 0 {
		return staticLines{st.Muted.Render("Not sent anywhere yet. r replays it to your handler, e edits and sends it.")}
	}
	var out staticLines
	for i, d := range list {
		if i > 0 {
			out = append(out, st.Muted.Render(strings.Repeat("─", 20)))
		}
		head := fmt.Sprintf("#%d %s  %s", d.ID, d.Kind, d.Time.Format("15:04:05.000"))
		out = append(out, st.Bold.Render(head))
		style := st.statusStyle(d.Status)
		if d.Error != "" {
			style = st.Error
		}
		out = append(out, style.Render(send.Line(d)))
		if d.Status == 0 {
			continue
		}
		for _, h := range d.RespHeaders {
			out = append(out, "  "+st.HeaderName.Render(sanitize.Line(h.Name))+st.Muted.Render(": ")+sanitize.Line(h.Value))
		}
		body := responsePreview(d, st)
		out = append(out, body...)
	}
	return out
}

func responsePreview(d *storage.Delivery, st *Styles) []string {
	if len(d.RespBody) == 0 {
		return []string{"  " + st.Muted.Render("(empty body)")}
	}
	if !sanitize.LooksText(d.RespBody) {
		return []string{"  " + st.Muted.Render(fmt.Sprintf("(%s of binary data)", bytesize.Format(int64(len(d.RespBody)))))}
	}
	var out []string
	src := newTextLines(d.RespBody, nil, false)
	for i := 0; i < responseLines; i++ {
		l, ok := src.Line(i)
		if !ok {
			break
		}
		out = append(out, "  "+l)
	}
	if n := src.Count(); n > responseLines {
		out = append(out, "  "+st.Muted.Render(fmt.Sprintf("… %d more lines", n-responseLines)))
	}
	if d.RespTruncated {
		out = append(out, "  "+st.Warn.Render(fmt.Sprintf("(response cut at %s)", bytesize.Format(int64(len(d.RespBody))))))
	}
	return out
}

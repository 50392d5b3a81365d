package storage

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"strings"
	"testing"
)

func compressed(t *testing.T, enc, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "zlib":
		w = zlib.NewWriter(&b)
	case "flate":
		w, _ = flate.NewWriter(&b, flate.DefaultCompression)
	}
	w.Write([]byte(text))
	w.Close()
	return b.Bytes()
}

// Search finds the words gaff shows for a body, not only the bytes it came
// as: decompressed, percent-decoded, the text parts of a multipart body,
// JSON strings unescaped. Before, a gzip body was binary noise to the
// index, %2Fweather was the word 2fweather, and caf\u00e9 was two words.
func TestSearchCoversWhatIsShown(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	multi := "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nmarmalade sandwich\r\n" +
		"--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"passport.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x00binary\xff\r\n--XyZ--\r\n"
	rows := []struct {
		ct, enc string
		body    []byte
		target  string
	}{
		{"application/json", "gzip", compressed(t, "gzip", `{"event":"kumquat ripened"}`), "/a"},                     // 1
		{"application/json", "deflate", compressed(t, "zlib", `{"event":"quince ripened"}`), "/b"},                   // 2
		{"text/plain", "deflate", compressed(t, "flate", `persimmon ripened`), "/c"},                                 // 3
		{"application/x-www-form-urlencoded", "", []byte("token=x&command=%2Fweather&text=rain+tomorrow"), "/slack"}, // 4
		{"multipart/form-data; boundary=XyZ", "", []byte(multi), "/upload"},                                          // 5
		{"application/json", "", []byte(`{"msg":"caf\u00e9 \"au lait\"","path":"C:\\Temp\\quokka"}`), "/d"},          // 6
		{"", "", nil, "/q?city=S%C3%A3o+Paulo&x=%2Fweekly"},                                                          // 7
		{"application/json", "gzip", []byte("not gzip at all: lychee"), "/e"},                                        // 8
	}
	for _, r := range rows {
		req := sample(0)
		req.Target, req.Body = r.target, r.body
		req.Headers = Headers{{"Content-Type", r.ct}}
		if r.enc != "" {
			req.Headers = append(req.Headers, Header{"Content-Encoding", r.enc})
		}
		if err := d.InsertRequest(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	indexAll(t, d)
	for q, want := range map[string]string{
		"kumquat":             "[1]",
		"quince":              "[2]",
		"persimmon":           "[3]",
		"ripened":             "[3 2 1]",
		"weather":             "[4]",
		"/weather":            "[4]",
		`"rain tomorrow"`:     "[4]",
		"marmalade":           "[5]",
		"passport":            "[5]",
		"binary":              "[]",
		"café":                "[6]",
		`"au lait"`:           "[6]",
		"quokka":              "[6]",
		"u00e9":               "[]",
		`"são paulo"`:         "[7]",
		"weekly":              "[7]",
		"lychee":              "[8]",
		"path:/slack":         "[4]",
		"path:/q":             "[7]",
		"header:Content-Type": "[8 7 6 5 4 3 2 1]",
	} {
		if got := fmt.Sprint(searchIDs(t, d, q)); got != want {
			t.Errorf("%s → %s, want %s", q, got, want)
		}
	}
}

// A compressed body is decoded only as far as the index reads: a bomb
// costs a megabyte, not the memory it expands to.
func TestCompressedBombIsBounded(t *testing.T) {
	bomb := compressed(t, "gzip", "melon "+strings.Repeat("\x00", 64<<20))
	text := bodyText(Headers{{"Content-Encoding", "gzip"}}, bomb)
	if len(text) > maxIndexedBody {
		t.Fatalf("%d bytes of text from a bomb", len(text))
	}
}

package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxIndexedBody is how much of a textual body is indexed. Bodies are
// stored whole; beyond this they are not searchable.
const maxIndexedBody = 1 << 20

type ftsDoc struct {
	id                          int64
	target, headers, body, meta string
}

// docCols reads what the index holds of a row; its two arguments are
// maxIndexedBody twice.
const docCols = `id, method, target, status, provider, signature, via, duplicate_of IS NOT NULL, origin, headers,
	CASE WHEN length(body) > ? THEN substr(body, 1, ?) ELSE body END`

func scanDoc(sc interface{ Scan(...any) error }) (ftsDoc, error) {
	var doc ftsDoc
	var method, provider, sig, via, origin string
	var status int
	var dup bool
	var hdr, body []byte
	if err := sc.Scan(&doc.id, &method, &doc.target, &status, &provider, &sig, &via, &dup, &origin, &hdr, &body); err != nil {
		return doc, err
	}
	h, _ := decodeHeaders(hdr)
	var hb strings.Builder
	for _, x := range h {
		hb.WriteString(x.Name + ": " + x.Value + "\n")
	}
	doc.headers = hb.String()
	doc.target = targetText(doc.target)
	doc.body = bodyText(h, body)
	doc.meta = metaTokens(method, status, provider, sig, via, dup, origin)
	return doc, nil
}

// textual: bodies worth indexing are UTF-8 text (JSON, forms, XML); binary
// would only fill the index with noise.
func textual(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	// A cut at maxIndexedBody may split a rune; judge what is whole.
	for k := 0; k < utf8.UTFMax && !utf8.Valid(b); k++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// metaTokens are the filter tokens of a row. dup marks a repeat
// (duplicate_of is set at insert, before indexing, and never changes);
// origin names the teammate a shared capture came from.
func metaTokens(method string, status int, provider, sig, via string, dup bool, origin string) string {
	parts := []string{"m" + metaToken(method), fmt.Sprintf("s%d s%dxx", status, status/100)}
	if provider != "" {
		parts = append(parts, "p"+metaToken(provider))
	}
	if sig != "" {
		parts = append(parts, "sig"+metaToken(sig))
	}
	if via != "" {
		parts = append(parts, "v"+metaToken(via))
	}
	if dup {
		parts = append(parts, "dupyes")
	}
	if origin != "" {
		parts = append(parts, "from"+metaToken(origin))
	}
	return strings.Join(parts, " ")
}

// ftsInsert adds one document to the requests_fts of schema: the index
// file's, or a search's in-memory one of the rows the file lacks.
func ftsInsert(schema string) string {
	return `INSERT INTO ` + schema + `.requests_fts(rowid, target, headers, body, meta) VALUES (?,?,?,?,?)`
}

func (doc ftsDoc) insert(ctx context.Context, ins *sql.Stmt) error {
	_, err := ins.ExecContext(ctx, doc.id, doc.target, doc.headers, doc.body, doc.meta)
	return err
}

package storage

import (
	"net/http"
	"reflect"
	"testing"
)

// HTTP's values share one array: a repeated name still gets every value
// in order, and growing one name's values never writes over another's.
func TestHeadersHTTPValuesStayApart(t *testing.T) {
	h := Headers{{"x-a", "1"}, {"X-B", "2"}, {"X-A", "3"}, {"X-C", "4"}}
	got := h.HTTP()
	want := http.Header{"X-A": {"1", "3"}, "X-B": {"2"}, "X-C": {"4"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	got["X-B"] = append(got["X-B"], "over")
	got.Add("X-C", "more")
	want = http.Header{"X-A": {"1", "3"}, "X-B": {"2", "over"}, "X-C": {"4", "more"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after appends got %v, want %v", got, want)
	}
}

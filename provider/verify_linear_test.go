package provider

import (
	"strconv"
	"strings"
	"testing"
)

// @linear/sdk refuses a delivery whose webhookTimestamp (milliseconds, in
// the signed body) is more than a minute from the time of receipt, either
// way; a body without one is judged by its signature alone.
func TestLinearTimestampWithinAMinute(t *testing.T) {
	const sent = 1700000000000 // ms
	body := `{"action":"create","type":"Issue","data":{"id":"1"},"webhookTimestamp":` + strconv.Itoa(sent) + `}`
	r := req("POST", "/linear", body, "Linear-Signature", hmacHex("lin_wh_secret", body), "Linear-Delivery", "234d1a4e-b617-4388-90fe-adc3633d6b72")
	tests := []struct {
		name        string
		deltaMS     int64 // receipt minus webhookTimestamp
		want, fault string
		in          string
	}{
		{"at once", 0, Valid, "", ""},
		{"a minute late", 60000, Valid, "", ""},
		{"61 s late", 61000, Invalid, FaultTimestamp, "61 s old, outside 60 s tolerance"},
		{"61 s early", -61000, Invalid, FaultTimestamp, "61 s in the future, outside 60 s tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(Linear, "lin_wh_secret", r, unixMilli(sent+tt.deltaMS))
			if v.Result != tt.want || v.Fault != tt.fault || !strings.Contains(v.Reason, tt.in) {
				t.Fatalf("%+v, want %s/%s with reason containing %q", v, tt.want, tt.fault, tt.in)
			}
		})
	}
	bare := `{"action":"create","type":"Issue"}`
	if v := Verify(Linear, "s", req("POST", "/", bare, "Linear-Signature", hmacHex("s", bare)), unixMilli(sent)); v.Result != Valid {
		t.Fatalf("no webhookTimestamp: %+v, want valid", v)
	}
}

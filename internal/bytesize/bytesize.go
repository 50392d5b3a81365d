// Package bytesize writes sizes for people, in one set of units: binary
// ones with their IEC names (1 KiB is 1024 bytes), never KB for 1024.
package bytesize

import "fmt"

var units = []string{"B", "KiB", "MiB", "GiB", "TiB"}

// Format writes n bytes in the largest unit that keeps it under 1000:
// "300 B", "1.5 KiB", "25 MiB" (a round size has no decimals), "512 MiB".
// Without its space it fits in 7 columns.
func Format(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit, i := float64(n), int64(1), 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1024
		unit <<= 10
		i++
	}
	switch {
	case n%unit == 0:
		return fmt.Sprintf("%d %s", n/unit, units[i])
	case v >= 99.95:
		return fmt.Sprintf("%.0f %s", v, units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

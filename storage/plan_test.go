package storage

import "testing"

// queryPlan is the detail column of EXPLAIN QUERY PLAN for q, one step a
// line: tests read it to prove a query seeks an index.
func queryPlan(t *testing.T, d *DB, q string, args ...any) []string {
	t.Helper()
	rows, err := d.ro.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

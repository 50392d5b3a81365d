package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every message type of the package reaches a screen or a layer: it
// carries a screen's marker method, or the root's route names it. A new
// message that does neither would be dropped silently.
func TestEveryMessageIsRouted(t *testing.T) {
	fs := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	declared := map[string]token.Position{}
	marked := map[string]bool{}
	routed := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fs, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSpec:
				if strings.HasSuffix(n.Name.Name, "Msg") {
					if _, isIface := n.Type.(*ast.InterfaceType); !isIface {
						declared[n.Name.Name] = fs.Position(n.Pos())
					}
				}
			case *ast.FuncDecl:
				if n.Recv != nil && strings.HasPrefix(n.Name.Name, "for") {
					if id, ok := n.Recv.List[0].Type.(*ast.Ident); ok {
						marked[id.Name] = true
					}
				}
				if n.Recv != nil && n.Name.Name == "route" {
					ast.Inspect(n.Body, func(c ast.Node) bool {
						if cc, ok := c.(*ast.CaseClause); ok {
							for _, e := range cc.List {
								if id, ok := e.(*ast.Ident); ok {
									routed[id.Name] = true
								}
							}
						}
						return true
					})
				}
			}
			return true
		})
	}
	if len(declared) < 10 || len(routed) == 0 {
		t.Fatalf("found %d message types and %d routes: the test reads the wrong files", len(declared), len(routed))
	}
	for name, pos := range declared {
		if !marked[name] && !routed[name] {
			t.Errorf("%s (%s) reaches nothing: give it its screen's marker method (forRequests, forSubs, forSettings, forLayers) or route it in App.route", name, pos)
		}
	}
}

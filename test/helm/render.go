// Renders each file named on the command line the way Helm renders a chart's
// templates/: parsed and executed by Go's text/template (Helm's engine,
// https://helm.sh/docs/chart_template_guide/getting_started/). Prints a JSON
// object of file name to rendered text, or exits 1 naming the first file Go
// cannot parse or execute. Standard library only: `go run` needs no module.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"
)

func main() {
	rendered := map[string]string{}
	for _, file := range os.Args[1:] {
		text, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		tmpl, err := template.New(file).Option("missingkey=zero").Parse(string(text))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var out bytes.Buffer
		if err := tmpl.Execute(&out, map[string]interface{}{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		rendered[file] = out.String()
	}
	encoded, _ := json.Marshal(rendered)
	fmt.Println(string(encoded))
}

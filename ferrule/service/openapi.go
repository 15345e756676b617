package service

import (
	_ "embed"
	"encoding/json"
	"flag"
	"net/http"
)

// openapiSkeleton is the OpenAPI document without the analysis
// parameters of /v1/analyze, which come from the flags (Config.Flags) so
// that the document lists exactly what the service accepts.
//
//go:embed openapi.json
var openapiSkeleton []byte

// metaParamDocs describe the measurement parameters of /v1/analyze.
var metaParamDocs = map[string]string{
	"lot":      "production lot of the part (stored with the result)",
	"station":  "test station (default: the service's --station)",
	"operator": "operator (default: the service's --operator)",
	"serial":   "part serial number",
	"filename": "the file's name, used in the report's file field and in error texts (default: the multipart part's file name, else upload); never opened",
}

// OpenAPI returns the service's OpenAPI 3.1 document, as /openapi.json
// serves it.
func (s *Server) OpenAPI() []byte { return s.openapi }

// buildOpenAPI builds the OpenAPI document of a service whose analysis
// parameters are flags.
func buildOpenAPI(flags []*flag.Flag) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapiSkeleton, &doc); err != nil {
		return nil, err
	}
	var params []any
	for _, name := range metaParams {
		params = append(params, map[string]any{"name": name, "in": "query", "description": metaParamDocs[name], "schema": map[string]any{"type": "string"}})
	}
	for _, f := range flags {
		schema := map[string]any{"type": "string"}
		if g, ok := f.Value.(flag.Getter); ok {
			switch g.Get().(type) {
			case bool:
				schema["type"] = "boolean"
			case int, int64, uint, uint64:
				schema["type"] = "integer"
			case float64:
				schema["type"] = "number"
			}
		}
		desc := f.Usage + " (mtgeo analyze --" + f.Name + ")"
		switch f.Name {
		case "layout":
			desc = "built-in layout name or auto (mtgeo analyze --layout; layout files only at service start)"
		case "spec":
			desc = "built-in profile name or auto (mtgeo analyze --spec; profile files only at service start)"
		}
		params = append(params, map[string]any{"name": paramName(f.Name), "in": "query", "description": desc, "schema": schema})
	}
	post := doc["paths"].(map[string]any)["/v1/analyze"].(map[string]any)["post"].(map[string]any)
	post["parameters"] = params
	return json.MarshalIndent(doc, "", "  ")
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.openapi)
}

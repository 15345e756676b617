package ferrule

// Grade is the verdict of a spec profile on a report (SPEC §7, §8).
type Grade struct {
	Profile string  `json:"profile"`
	Pass    bool    `json:"pass"`
	Checks  []Check `json:"checks"`
}

// Check is one limit applied to one value. Fiber is the fiber index for a
// per-fiber check and 0 (JSON null) otherwise.
type Check struct {
	Name   string `json:"name"`
	Fiber  *int   `json:"fiber"`
	Value  Num    `json:"value"`
	Min    Num    `json:"min"`
	Max    Num    `json:"max"`
	Margin Num    `json:"margin"`
	Pass   bool   `json:"pass"`
	Reason string `json:"reason,omitempty"`
}

package ferrule

// Grade is the verdict of a spec profile on a report (SPEC §7, §8).
type Grade struct {
	Profile string `json:"profile"`
	Pass    bool   `json:"pass"`
	// Marginal is true when no check failed but one was marginal (a
	// guard-banded grade, SPEC §11): then Pass is false.
	Marginal bool `json:"marginal"`
	// GuardBand is the profile's guard-band factor k (0: none).
	GuardBand float64 `json:"guard_band"`
	Checks    []Check `json:"checks"`
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
	// Marginal is true when the value lies within the guard band (k·u) of
	// a limit: neither passed nor failed (Pass is false).
	Marginal bool   `json:"marginal"`
	Reason   string `json:"reason,omitempty"`
}

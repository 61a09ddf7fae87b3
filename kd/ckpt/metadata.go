package ckpt

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Metadata describes a checkpoint: when in training it was taken, with which configuration, and how the model
// scored then.
type Metadata struct {
	Step    int64           `json:"step"`              // Training step (e.g. optimizer.GetGlobalStep) at save time.
	Config  json.RawMessage `json:"config,omitempty"`  // The run's configuration as JSON; see [WithConfig].
	Metrics Metrics         `json:"metrics,omitempty"` // Named scores, e.g. validation Dice.
}

// WithConfig returns a copy of m holding config encoded as JSON; decode it back with json.Unmarshal(m.Config, …).
func (m Metadata) WithConfig(config any) (Metadata, error) {
	encoded, err := json.Marshal(config)
	if err != nil {
		return m, fmt.Errorf("ckpt: encoding config %T as JSON: %w", config, err)
	}
	m.Config = encoded
	return m, nil
}

// Metrics are named scores. Unlike a plain map[string]float64 they survive JSON with NaN and ±Inf values (an
// undefined precision, the HD95 of a missed case), written as the strings "NaN", "+Inf" and "-Inf".
type Metrics map[string]float64

// MarshalJSON implements json.Marshaler.
func (m Metrics) MarshalJSON() ([]byte, error) {
	encoded := make(map[string]any, len(m))
	for name, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			encoded[name] = strconv.FormatFloat(v, 'g', -1, 64) // "NaN", "+Inf", "-Inf".
		} else {
			encoded[name] = v
		}
	}
	return json.Marshal(encoded)
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Metrics) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*m = make(Metrics, len(raw))
	for name, value := range raw {
		var number float64
		if err := json.Unmarshal(value, &number); err == nil {
			(*m)[name] = number
			continue
		}
		var text string
		if err := json.Unmarshal(value, &text); err != nil {
			return fmt.Errorf("metric %q: %s is neither a number nor a string", name, value)
		}
		number, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("metric %q: %w", name, err)
		}
		(*m)[name] = number
	}
	return nil
}

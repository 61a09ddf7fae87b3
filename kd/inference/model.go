package inference

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// NetScope is the scope under which a Model keeps its network's variables.
const NetScope = "net"

// Model is a trained network: its architecture and its variables (under NetScope in Store, nothing else).
type Model struct {
	Name  string
	Net   *nets.Config
	Store *model.Store
}

// ParamCount returns the number of trainable parameters of the model's network.
func (m *Model) ParamCount() int { return m.Net.ParamCount() }

// Save writes the model's variables and its name to dir atomically (a crash mid-save keeps the previous
// checkpoint).
func (m *Model) Save(dir string) error {
	meta, err := ckpt.Metadata{}.WithConfig(savedModel{Name: m.Name, Net: m.Net.String()})
	if err != nil {
		return err
	}
	if err := ckpt.Dir(dir).Metadata(meta).Save(m.Store); err != nil {
		return fmt.Errorf("saving model %q: %w", m.Name, err)
	}
	return nil
}

// savedModel is the metadata saved with a model, to recognise what a checkpoint holds.
type savedModel struct {
	Name string `json:"name"`
	Net  string `json:"net"`
}

// NewModel returns an untrained model of architecture net, its variables initialised (randomly, seeded by
// seed).
func NewModel(backend compute.Backend, name string, net *nets.Config, seed int64) (*Model, error) {
	store := model.NewStore()
	store.SetParam(model.ParamInitialSeed, seed)
	if err := buildVariables(backend, store, net); err != nil {
		return nil, err
	}
	return &Model{Name: name, Net: net, Store: store}, nil
}

// LoadModel reads a model saved by Model.Save into the architecture net. The network is built first, so a
// checkpoint of another architecture is refused with an error naming every differing variable and both shapes
// (ckpt.ArchitectureError).
// Its variables hold host tensors: the model runs on any backend (NewPredictor, a training job's teachers).
func LoadModel(dir string, net *nets.Config) (*Model, error) {
	store := model.NewStore()
	// The checkpoint replaces every value: the variables only need their names and shapes, which the Go backend
	// gives at once, where an XLA backend would first compile the network (about 2 s for each reloaded model).
	shapesBackend, err := variablesBackend()
	if err != nil {
		return nil, err
	}
	if err := buildVariables(shapesBackend, store, net); err != nil {
		return nil, err
	}
	meta, err := ckpt.Dir(dir).Load(store)
	if err != nil {
		return nil, fmt.Errorf("loading a %s from %q: %w", net, dir, err)
	}
	var saved savedModel
	if err := json.Unmarshal(meta.Config, &saved); err != nil {
		return nil, fmt.Errorf("loading model from %q: unreadable metadata: %w", dir, err)
	}
	return &Model{Name: saved.Name, Net: net, Store: store}, nil
}

// variablesBackend is the Go backend LoadModel builds variables with, created once.
var variablesBackend = sync.OnceValues(func() (compute.Backend, error) { return compute.NewWithConfig(gobackend.BackendName) })

// buildVariables creates and initialises the network's variables in store by running it once on a tiny input.
func buildVariables(backend compute.Backend, store *model.Store, net *nets.Config) error {
	size := net.SizeDivisor()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *Node) *Node {
		return net.Logits(scope.In("%s", NetScope), images)
	})
	if err != nil {
		return err
	}
	input := tensors.FromShape(shapes.Make(dtypes.Float32, 1, size, size, net.NumInputChannels()))
	outputs, err := exec.Exec(input)
	if err != nil {
		return fmt.Errorf("building %s: %w", net, err)
	}
	for _, o := range outputs {
		_ = o.FinalizeAll()
	}
	// Keep only the network: building also created the initialiser's random state.
	var others []string
	for v := range store.IterVariables() {
		if !strings.HasPrefix(v.Path(), "/"+NetScope+"/") {
			others = append(others, v.Path())
		}
	}
	for _, path := range others {
		if err := store.DeleteVariable(path); err != nil {
			return err
		}
	}
	return nil
}

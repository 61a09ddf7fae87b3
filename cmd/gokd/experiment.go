package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/train"
)

// runExperiment is `gokd experiment`: the flagship experiment (package experiment) with the embedded defaults or a
// JSON configuration; it prints the models, the Dice per site and the students' comparison over seeds.
func runExperiment(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd experiment", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "JSON experiment configuration, over the embedded defaults (or over the protocol's with -protocol)")
	protocol := flags.Bool("protocol", false, "start from the reproduction protocol at notebook scale (experiment.Protocol) instead of the defaults")
	cacheDir := flags.String("cache", ".gokd-cache", "folder where trained models are cached")
	parallel := flags.Int("parallel", 0, "models trained at once (0: one per CPU core on the Go backend, else 1)")
	printConfig := flags.Bool("print-config", false, "print the configuration as JSON and exit")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if err := experimentRun(stdout, *configPath, *cacheDir, *parallel, *printConfig, *protocol); err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd experiment:", err)
		return 1
	}
	return 0
}

func experimentRun(stdout io.Writer, configPath, cacheDir string, parallel int, printConfig, protocol bool) error {
	config := experiment.Default()
	if protocol {
		config = experiment.Protocol()
	}
	if configPath != "" {
		blob, err := os.ReadFile(configPath)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(blob, &config); err != nil {
			return fmt.Errorf("reading %s: %w", configPath, err)
		}
	}
	if printConfig {
		blob, err := json.MarshalIndent(config, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, string(blob))
		return err
	}
	b, err := backend.FromEnv()
	if err != nil {
		return err
	}
	r, err := experiment.New(b, config, cacheDir)
	if err != nil {
		return err
	}
	r.Log, r.Parallel = stdout, parallel
	r.Progress = func(name string) (func(train.Progress), func()) {
		return func(p train.Progress) {
			_, _ = fmt.Fprintf(stdout, "  %s step %d/%d loss %.3f dice %.3f (%.0f s)\n", p.Job, p.Step, p.Steps,
				p.Metrics["loss"], p.Metrics["dice"], p.Elapsed.Seconds())
		}, func() {}
	}
	res, err := r.Run()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\nModels (test cases)\n%s\nDice per site\n%s\nStudents over %d seeds\n%s\n",
		res.ModelsTable(), res.SiteTable(), len(config.Seeds), res.SummaryTable())
	if err != nil {
		return err
	}
	if ch := res.Choice; ch != nil {
		if _, err := fmt.Fprintf(stdout, "Student rule (teacher's validation Dice %.3f)\n%s\n", ch.TeacherValDice, ch.Table()); err != nil {
			return err
		}
	}
	if len(res.Tuning) > 0 && len(res.Tuning[0].ValDice) > 0 {
		if _, err := fmt.Fprintf(stdout, "Tuning on the validation cases\n%s\n", res.TuningTable()); err != nil {
			return err
		}
	}
	if len(res.FusionWeights) > 0 {
		if _, err := fmt.Fprintf(stdout, "Adaptive fusion weights\n%s\n", res.FusionTable()); err != nil {
			return err
		}
	}
	if c := res.Comparison; c != nil {
		if _, err := fmt.Fprintf(stdout, "Paired tests over %d test cases (Dice averaged over %d seeds per case)\n%s\nverdict: %s\n",
			c.Cases, c.Seeds, c.Table(), c.Evidence.Explain()); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stdout, "wall time %.0f s\n", res.WallS)
	return err
}

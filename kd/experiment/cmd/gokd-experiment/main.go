// Command gokd-experiment runs the flagship experiment (package experiment) from the command line, with the
// embedded defaults or a JSON configuration, and prints its tables: the models, the Dice per site and the
// students' comparison over seeds.
//
//	go run ./kd/experiment/cmd/gokd-experiment [-config cfg.json] [-cache DIR] [-parallel N] [-print-config]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/train"
	"github.com/gokd/gokd/kernelext/backend"
)

func main() {
	configPath := flag.String("config", "", "JSON experiment configuration (default: the embedded defaults)")
	cacheDir := flag.String("cache", ".gokd-cache", "folder where trained models are cached")
	parallel := flag.Int("parallel", 0, "models trained at once (0: one per CPU core on the Go backend, else 1)")
	printConfig := flag.Bool("print-config", false, "print the configuration as JSON and exit")
	flag.Parse()
	if err := run(*configPath, *cacheDir, *parallel, *printConfig); err != nil {
		fmt.Fprintln(os.Stderr, "gokd-experiment:", err)
		os.Exit(1)
	}
}

func run(configPath, cacheDir string, parallel int, printConfig bool) error {
	config := experiment.Default()
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
		blob, _ := json.MarshalIndent(config, "", "  ")
		fmt.Println(string(blob))
		return nil
	}
	b, err := backend.FromEnv()
	if err != nil {
		return err
	}
	r, err := experiment.New(b, config, cacheDir)
	if err != nil {
		return err
	}
	r.Log, r.Parallel = os.Stdout, parallel
	r.Progress = func(name string) (func(train.Progress), func()) {
		return func(p train.Progress) {
			fmt.Printf("  %s step %d/%d loss %.3f dice %.3f (%.0f s)\n", p.Job, p.Step, p.Steps, p.Metrics["loss"],
				p.Metrics["dice"], p.Elapsed.Seconds())
		}, func() {}
	}
	res, err := r.Run()
	if err != nil {
		return err
	}
	fmt.Printf("\nModels (test cases)\n%s\nDice per site\n%s\nStudents over %d seeds\n%s\nwall time %.0f s\n",
		res.ModelsTable(), res.SiteTable(), len(config.Seeds), res.SummaryTable(), res.WallS)
	return nil
}

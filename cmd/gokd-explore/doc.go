// Command gokd-explore runs the exploratory analyses of a reproduction run that its verdict does not rest on:
// questions a reader asks after seeing the tables, answered on the same cached models.
//
//	gokd-explore fused-targets [-config F] [-cache DIR]
//	    Dice of the limit-trained teachers' fused predictions (temperature 1, the students' distillation targets)
//	    on the validation, test and students' training cases: equal weights, the adaptive students' learned
//	    weights (mean over seeds) and each teacher alone.
//	gokd-explore retrain -kind KIND -lr X -temperature T [-precompute] [-config F] [-cache DIR] -into DIR
//	    Train KIND's students for every seed with a fixed setting instead of the tuned one (into a copy of the
//	    cache: DIR), and pair them with the run's scratch and mean-KD students over the test cases. -precompute
//	    distils from the teachers' precomputed outputs (Train.PrecomputeTeachers): with the run's tuned setting,
//	    it measures what precomputing changes.
//	gokd-explore teachers [-patience N] [-config F] [-cache DIR] -into DIR
//	    Train the run's teachers until their validation Dice plateaus (Train.TeacherPatience N, scored every 100
//	    steps, the run's steps as the cap) into the cache DIR, and set their validation curves, best and stopping
//	    steps and test Dice beside those of the run's teachers, trained all their steps.
//
// The configuration is -config's (a file, or a committed configuration by name: protocol_notebook, which is
// experiment.Protocol, by default), read as `gokd experiment -config` reads it (experiment.LoadConfig); the cache is the committed run's
// (results/protocol-notebook) unless -cache says otherwise. Nothing here changes the cached run.
package main

package main

import (
	"errors"
	"flag"
	"fmt"
)

// parseFlags parses a command's args. done reports that the command ends here, with code: exitOK after -h (the
// usage printed: every command follows this convention), exitUsage for a bad flag or, when the command takes no
// positional arguments (positional false), for an argument left after the flags.
func parseFlags(flags *flag.FlagSet, args []string, positional bool) (code int, done bool) {
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	if !positional && flags.NArg() > 0 {
		_, _ = fmt.Fprintf(flags.Output(), "%s: unexpected argument %q (this command takes flags only)\n",
			flags.Name(), flags.Arg(0))
		flags.Usage()
		return exitUsage, true
	}
	return exitOK, false
}

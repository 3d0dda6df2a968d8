// composecheck loads a compose file the way `docker compose config` does (compose-go:
// the Compose Specification's JSON schema, interpolation from an env file, merging of
// anchors, dependency checks) and prints the resolved project as YAML, or the error.
//
//	go run ./deploy/composecheck -f deploy/docker-compose.yml --env-file deploy/.env.example
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("f", "docker-compose.yml", "compose file")
	envFile := flag.String("env-file", "", "env file used for interpolation")
	quiet := flag.Bool("q", false, "print nothing when valid")
	flag.Parse()
	opts := []cli.ProjectOptionsFn{cli.WithName("smart-community"), cli.WithOsEnv}
	if *envFile != "" {
		opts = append(opts, cli.WithEnvFiles(*envFile), cli.WithDotEnv)
	}
	options, err := cli.NewProjectOptions([]string{*file}, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
	if *quiet {
		return
	}
	out, err := project.MarshalYAML()
	if err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

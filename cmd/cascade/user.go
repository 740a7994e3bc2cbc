package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"cascade/model"
	"cascade/model/sqlstore"
)

// userFlag is the flag every command takes to act as a programme user.
const userFlag = "user"

// passwordEnv holds the password for --user when a script runs a command.
const passwordEnv = "CASCADE_PASSWORD"

// actingUser is who a command acts as. With --user NAME it signs in as that
// programme user (password from CASCADE_PASSWORD, or asked for on a terminal
// without echo) and every change is judged by their role. Without it, on a
// local file, the command acts as the operating-system user: the file is
// then the boundary (README, "Who may do what").
func actingUser(ctx context.Context, fs *flag.FlagSet, s *sqlstore.Store) (model.User, error) {
	name := userName(fs)
	if name == "" && s.OnServer() {
		// Many people reach a server; none of them is this machine's user.
		return model.User{}, fmt.Errorf("%s is shared by many desks: sign in with --user NAME (password from %s, or asked for)",
			s.Path(), passwordEnv)
	}
	if name == "" {
		return model.LocalUser(), nil
	}
	pw, err := password(name)
	if err != nil {
		return model.User{}, err
	}
	u, err := s.SignIn(ctx, name, pw)
	if err != nil {
		return model.User{}, fmt.Errorf("sign in as %s: %w", name, err)
	}
	return u, nil
}

// userName is the --user value, "" when none was given.
func userName(fs *flag.FlagSet) string {
	if f := fs.Lookup(userFlag); f != nil {
		return strings.TrimSpace(f.Value.String())
	}
	return ""
}

// password reads the password for name from the environment or, on a
// terminal, asks for it without echoing it.
func password(name string) (string, error) {
	if pw, ok := os.LookupEnv(passwordEnv); ok {
		return pw, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("--user needs a password: set " + passwordEnv + " or run on a terminal")
	}
	fmt.Fprintf(os.Stderr, "Password for %s: ", name)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return string(b), nil
}

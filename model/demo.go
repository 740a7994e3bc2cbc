package model

import (
	"context"
	"errors"
)

// DemoOptions says how to build the demo programme.
type DemoOptions struct {
	Seed     int64
	Scale    int
	Password string
	Force    bool
	Progress func(step string, done, total int)
}

// DemoUser is a sign-in the demo created.
type DemoUser struct {
	Username string
	Role     string
}

// DemoResult reports what the demo built.
type DemoResult struct {
	Users    []DemoUser
	Password string
}

// Demo builds the demo programme (placeholder until the generator lands).
func Demo(ctx context.Context, path string, opt DemoOptions) (*DemoResult, error) {
	return nil, errors.New("demo: not built yet")
}

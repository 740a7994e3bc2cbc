package model

import (
	"strings"
)

func (in TrainerInput) Trimmed() TrainerInput {
	in.GivenName = strings.TrimSpace(in.GivenName)
	in.FamilyName = strings.TrimSpace(in.FamilyName)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Organisation = strings.TrimSpace(in.Organisation)
	return in
}

package ui

import "fyne.io/fyne/v2"

// may reports whether the signed-in user's role allows action. Screens ask it
// of the model's one role table (model.Permitted), so what they offer is what
// the model would allow; the model's own check is still what holds.
func (e *env) may(action string) bool { return e.user.Can(action) }

// offerIf hides each control unless the signed-in user may take action: a
// button that could only be refused is not offered at all.
func offerIf(e *env, action string, controls ...fyne.CanvasObject) {
	if e.may(action) {
		return
	}
	for _, c := range controls {
		c.Hide()
		if d, ok := c.(fyne.Disableable); ok {
			d.Disable()
		}
	}
}

// readOnlyUnless disables each input unless the signed-in user may take
// action, so a form still shows its values to a reader who cannot change them.
func readOnlyUnless(e *env, action string, inputs ...fyne.Disableable) {
	if e.may(action) {
		return
	}
	for _, in := range inputs {
		in.Disable()
	}
}

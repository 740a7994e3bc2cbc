package model

// permute reorders rows in place so that rows[i] becomes the old
// rows[order[i]], following each cycle once; order is used up.
func Permute[T any](rows []T, order []int) {
	for i := range rows {
		if order[i] < 0 {
			continue
		}
		first := rows[i]
		for j := i; ; {
			k := order[j]
			order[j] = -1
			if k == i {
				rows[j] = first
				break
			}
			rows[j] = rows[k]
			j = k
		}
	}
}

package sqlstore

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// nameCulture is one naming tradition, written in its own spelling and script;
// weight is its rough share of the demo's people.
type nameCulture struct {
	weight  int
	given   []string
	family  []string
	ethnics string // equality-monitoring group, aggregate only
}

// demoCultures reflects the UK's real diversity. Slices, not maps, so the
// order of draws (and so the data) never depends on map iteration.
var demoCultures = []nameCulture{
	{40, []string{"Oliver", "Emma", "James", "Charlotte", "Thomas", "Sophie", "Daniel", "Hannah", "Jack", "Lucy", "Samuel", "Rebecca", "Matthew", "Jessica", "Joseph", "Laura", "Harry", "Amy", "George", "Katie", "Ben", "Rachel", "Chris", "Helen", "Peter", "Susan", "David", "Claire", "Michael", "Sarah"},
		[]string{"Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison"}, "White British"},
	{5, []string{"Ailsa", "Callum", "Eilidh", "Fraser", "Isla", "Hamish", "Mhairi", "Ruaridh", "Kirsty", "Lachlan"},
		[]string{"MacDonald", "Campbell", "Stewart", "MacLeod", "Fraser", "Murray", "Robertson", "Henderson", "McIntyre", "Ross"}, "White British"},
	{4, []string{"Siân", "Rhys", "Ŵyn", "Dafydd", "Ffion", "Gareth", "Carys", "Iolo", "Angharad", "Bethan", "Gwenllian", "Llŷr"},
		[]string{"Gruffydd", "Jones", "Evans", "Pritchard", "Llewelyn", "Rees", "Morgan", "Price", "Powell", "ap Rhys"}, "White British"},
	{4, []string{"Siobhán", "Niamh", "Aoife", "Seán", "Cian", "Róisín", "Pádraig", "Orla", "Eoin", "Caoimhe"},
		[]string{"Ó Súilleabháin", "Murphy", "O'Brien", "Kelly", "Byrne", "Ó Néill", "Walsh", "McCarthy", "Doyle", "Ó Ceallaigh"}, "White Irish"},
	{3, []string{"Łukasz", "Agnieszka", "Małgorzata", "Paweł", "Katarzyna", "Wojciech", "Zofia", "Michał", "Bartłomiej", "Joanna"},
		[]string{"Wójcik", "Nowak", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek", "Wróbel", "Sikora"}, "White other"},
	{1, []string{"Σοφία", "Γιώργος", "Ελένη", "Νίκος", "Μαρία", "Δημήτρης"},
		[]string{"Γεωργίου", "Κωνσταντίνου", "Οικονόμου", "Αντωνίου", "Χριστοδούλου", "Ιωάννου"}, "White other"},
	{1, []string{"Kostas", "Eleni", "Yannis", "Katerina", "Andreas", "Despina"},
		[]string{"Dimitriou", "Georgiou", "Christodoulou", "Antoniou", "Papadopoulos", "Charalambous"}, "White other"},
	{1, []string{"Дмитрий", "Ольга", "Анна", "Сергей", "Олена", "Андрій"},
		[]string{"Иванов", "Смирнов", "Попов", "Шевченко", "Коваленко", "Бондаренко"}, "White other"},
	{1, []string{"Dmitri", "Olena", "Natalia", "Sergei", "Oksana", "Yuri"},
		[]string{"Volkov", "Kovalenko", "Petrenko", "Sokolov", "Melnyk", "Morozov"}, "White other"},
	{1, []string{"Thị Hương", "Văn Minh", "Thị Lan", "Đức Anh", "Thu Trang", "Quốc Bảo"},
		[]string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"}, "Asian other"},
	{8, []string{"Priya", "Sanjay", "Anjali", "Rahul", "Fatima", "Imran", "Aisha", "Mohammed", "Harpreet", "Gurpreet", "Sunita", "Ravi", "Nadia", "Tariq", "Shabana", "Arjun", "Deepa", "Bilal"},
		[]string{"Patel", "Khan", "Begum", "Singh", "Kaur", "Ahmed", "Hussain", "Shah", "Chowdhury", "Rahman", "Mistry", "Sharma", "Iqbal", "Akhtar"}, "Asian or Asian British"},
	{3, []string{"Marcia", "Delroy", "Winston", "Claudette", "Leroy", "Paulette", "Errol", "Jermaine", "Shanice"},
		[]string{"Campbell", "Brown", "Williams", "Thomas", "Francis", "Grant", "Baptiste", "Joseph", "Henry", "Reid"}, "Black Caribbean"},
	{4, []string{"Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Kwame", "Ama", "Kofi", "Abena", "Tendai", "Chipo", "Folasade", "Emeka"},
		[]string{"Okafor", "Adeyemi", "Mensah", "Boateng", "Okonkwo", "Owusu", "Moyo", "Adebayo", "Nwosu", "Asante"}, "Black African"},
	{2, []string{"Ayşe", "Mehmet", "Elif", "Emre", "Zeynep", "Murat", "Gülşen", "Çağla"},
		[]string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk"}, "White other"},
	{2, []string{"Hodan", "Abdirahman", "Faadumo", "Mahad", "Hibaaq", "Ayaan", "Liban", "Sahra"},
		[]string{"Warsame", "Abdi", "Farah", "Hassan", "Omar", "Jama", "Ali", "Mohamud"}, "Black African"},
	{2, []string{"Wei", "Mei", "Jun", "Li Na", "Hui Min", "Ka Wai", "Siu Ming"},
		[]string{"Chen", "Wong", "Li", "Zhang", "Cheung", "Lam", "Liu", "Ho"}, "Chinese"},
	{1, []string{"Zoë", "Chloé", "Amélie", "Théo", "Léa", "Hélène", "François", "Benoît"},
		[]string{"Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Bélanger"}, "White other"},
}

// demoPlantedNames come first among the senior organisers at every scale, so
// the spellings certificates and searches must handle are always present.
var demoPlantedNames = [][2]string{
	{"Zoë", "Clarke"},
	{"Łukasz", "Wójcik"},
	{"Siobhán", "Ó Súilleabháin"},
	{"Σοφία", "Παπαδοπούλου"},
	{"Дмитрий", "Иванов"},
	{"Thị Hương", "Nguyễn"},
	{"Ŵyn", "Gruffydd"},
	{"Niamh", "Ó Súilleabháin"},
	{"Chloé", "Moreau"},
}

// asciiLetters transliterates letters that do not decompose to ASCII.
var asciiLetters = map[rune]string{
	'ł': "l", 'đ': "d", 'ø': "o", 'ß': "ss", 'ı': "i", 'æ': "ae", 'œ': "oe",
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th",
	'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p",
	'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'є': "ye", 'ё': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'і': "i", 'ї': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh",
	'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ы': "y", 'э': "e", 'ю': "yu", 'я': "ya",
}

// asciiName turns a name in any script into lower-case ASCII letters for an
// email address: accents dropped, Greek and Cyrillic transliterated, spaces
// and apostrophes removed.
func asciiName(s string) string {
	var b strings.Builder
	// Greek ου is one sound, "ou"; the tonos NFD splits off would sit after it.
	for _, r := range strings.ReplaceAll(norm.NFD.String(strings.ToLower(s)), "ου", "ou") {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		default:
			b.WriteString(asciiLetters[r])
		}
	}
	return b.String()
}

// demoRegionPlaces lists real English places per region; rural ones are
// marked so ~30% of hosts can be rural.
var demoRegions = []struct {
	name  string
	urban []string
	rural []string
}{
	{"North East", []string{"Gateshead", "Sunderland", "Middlesbrough", "Hartlepool", "South Shields", "Byker", "Stockton-on-Tees"}, []string{"Hexham", "Alnwick", "Barnard Castle", "Berwick-upon-Tweed", "Weardale"}},
	{"North West", []string{"Salford", "Oldham", "Blackburn", "Toxteth", "Everton", "Rochdale", "Wigan", "Preston", "Burnley"}, []string{"Keswick", "Kendal", "Clitheroe", "Ulverston", "Millom"}},
	{"Yorkshire and The Humber", []string{"Bradford", "Hull", "Parson Cross", "Doncaster", "Rotherham", "Huddersfield", "Chapeltown", "Barnsley"}, []string{"Whitby", "Skipton", "Malton", "Hebden Bridge", "Goole"}},
	{"East Midlands", []string{"Leicester", "Derby", "Bulwell", "Mansfield", "Northampton", "Corby", "Lincoln"}, []string{"Boston", "Matlock", "Louth", "Oakham", "Bakewell"}},
	{"West Midlands", []string{"Wolverhampton", "Coventry", "Walsall", "Sandwell", "Stoke-on-Trent", "Handsworth", "Dudley", "Telford"}, []string{"Ludlow", "Leominster", "Bishop's Castle", "Leek", "Evesham"}},
	{"East of England", []string{"Luton", "Peterborough", "Ipswich", "Norwich", "Basildon", "Harlow", "Great Yarmouth", "Southend"}, []string{"Thetford", "Wisbech", "Sudbury", "Swaffham", "Saxmundham"}},
	{"London", []string{"Tower Hamlets", "Newham", "Hackney", "Lambeth", "Southwark", "Haringey", "Brent", "Lewisham", "Barking", "Croydon", "Tottenham", "Peckham", "Brixton"}, nil},
	{"South East", []string{"Brighton", "Hastings", "Slough", "Southampton", "Portsmouth", "Reading", "Blackbird Leys", "Thanet"}, []string{"Romney Marsh", "Ryde", "Alton", "Petworth", "Faversham"}},
	{"South West", []string{"Bristol", "Plymouth", "Swindon", "Gloucester", "Exeter", "Bournemouth", "Weston-super-Mare"}, []string{"Camborne", "Bodmin", "Bridport", "Minehead", "Stroud", "Launceston"}},
}

// Kinds of host organisation, by the network partner that referred them.
var (
	demoHostKinds = []string{"Community Association", "Development Trust", "Neighbourhood Forum", "Residents' Network",
		"Community Partnership", "Council for Voluntary Service", "Tenants and Residents Association",
		"Youth and Community Project", "Community Centre", "Community Land Trust", "Housing Co-operative", "Credit Union"}
	demoFaithKinds = []string{"Churches Together", "Interfaith Forum", "Methodist Mission", "Gurdwara Community Project",
		"Mosque Community Project", "Parish Community Project"}
	demoRaceKinds = []string{"Black and Minority Ethnic Forum", "Refugee and Migrant Forum", "Somali Community Association",
		"Polish Community Centre", "African Caribbean Centre", "Asian Women's Network"}
	demoPartners = []string{"", "", "", "Voice4Change England", "Church Urban Fund", "Faith-based Regeneration Network", "Urban Forum"}
)

// demoKickstarters are the ten pioneer hosts of cohort 1.
var demoKickstarters = []struct {
	name, region string
	rural        bool
}{
	{"Keystone Development Trust", "East of England", true}, // covers Norfolk, Suffolk and Cambridgeshire
	{"Kirkgate Arts", "North West", true},                   // Cockermouth
	{"Penwith Community Development Trust", "South West", true},
	{"Wharf Street Arts Centre", "East Midlands", false},
	{"Tyneside University Centre for Social Change", "North East", false}, // runs a social-change degree
	{"St Ann's Neighbourhood Trust", "East Midlands", false},
	{"Lozells Community Forum", "West Midlands", false},
	{"Hackney Wick Residents' Network", "London", false},
	{"Hulme Community Action", "North West", false},
	{"Harehills Community Partnership", "Yorkshire and The Humber", false},
}

// demoListeningThemes are what communities raise; a listening log records
// these and counts, never who said them.
var demoListeningThemes = []string{"housing", "youth provision", "transport", "jobs and training", "crime and safety",
	"green spaces", "litter and fly-tipping", "loneliness", "health services", "schools", "local shops", "parking",
	"cost of living", "childcare", "community space", "street lighting"}

var demoWithdrawnReasons = []string{"moved away", "took up paid employment", "caring responsibilities", "ill health",
	"personal reasons", "host organisation closed"}

var demoFeedback = []string{
	"Clear evidence against each criterion; well reflected.",
	"Good use of the listening log to show a systematic approach.",
	"Witness testimony confirms the practice described.",
	"Strong account of what you learned and what you would change.",
	"Evidence is sound; remember to date every page.",
}

var demoNotYetFeedback = []string{
	"Please say more about how you analysed what you heard.",
	"The account describes the event but not your own role in it.",
	"Needs evidence that you involved people beyond the already-involved.",
	"Please add how you would do this differently next time.",
}

var demoReflections = []string{
	"I began by knocking on doors in the streets nearest the host's building and soon found people wanted to talk about more than I expected.",
	"The hardest part was staying quiet and listening rather than offering solutions.",
	"Several people said nobody had asked them before; that changed how I thought about the work.",
	"I brought together three people who had raised the same concern and they agreed to meet again without me.",
	"Looking back, I spent too long with people who were already involved and need to reach further.",
	"My host organisation helped me understand the history of the estate and who holds power locally.",
	"At the residents' meeting I practised handing over the chair rather than running it myself.",
	"I kept a diary each evening, which helped me notice patterns in what I was hearing.",
	"Working with a councillor showed me the difference between influence and decision-making.",
	"I learned to check my assumptions about who would or would not come along.",
}

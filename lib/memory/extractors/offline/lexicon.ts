/**
 * Word lists the offline rules need to tell a city from a country, a job from
 * an adjective, a language from a name. Lowercase; compared after lowercasing.
 * Small on purpose: a word missing here costs recall, never precision.
 */

const words = (list: string): ReadonlySet<string> =>
  new Set(list.split("|").map((w) => w.trim().toLowerCase()).filter(Boolean));

export const countries = words(
  "afghanistan|albania|algeria|andorra|angola|argentina|armenia|australia|austria|azerbaijan|bahamas|bahrain|" +
    "bangladesh|barbados|belarus|belgium|belize|benin|bhutan|bolivia|bosnia|botswana|brazil|brunei|bulgaria|" +
    "burkina faso|burundi|cambodia|cameroon|canada|cape verde|chad|chile|china|colombia|congo|costa rica|croatia|" +
    "cuba|cyprus|czechia|czech republic|denmark|djibouti|dominican republic|ecuador|egypt|el salvador|england|" +
    "estonia|eswatini|ethiopia|fiji|finland|france|gabon|gambia|georgia|germany|ghana|greece|guatemala|guinea|" +
    "haiti|honduras|hong kong|hungary|iceland|india|indonesia|iran|iraq|ireland|israel|italy|ivory coast|jamaica|" +
    "japan|jordan|kazakhstan|kenya|korea|south korea|north korea|kosovo|kuwait|kyrgyzstan|laos|latvia|lebanon|" +
    "lesotho|liberia|libya|liechtenstein|lithuania|luxembourg|madagascar|malawi|malaysia|maldives|mali|malta|" +
    "mauritania|mauritius|mexico|moldova|monaco|mongolia|montenegro|morocco|mozambique|myanmar|namibia|nepal|" +
    "netherlands|the netherlands|holland|new zealand|nicaragua|niger|nigeria|north macedonia|norway|oman|pakistan|" +
    "palestine|panama|papua new guinea|paraguay|peru|philippines|the philippines|poland|portugal|qatar|romania|" +
    "russia|rwanda|saudi arabia|scotland|senegal|serbia|singapore|slovakia|slovenia|somalia|south africa|spain|" +
    "sri lanka|sudan|suriname|sweden|switzerland|syria|taiwan|tajikistan|tanzania|thailand|togo|trinidad|tunisia|" +
    "turkey|türkiye|turkmenistan|uganda|ukraine|united arab emirates|uae|the uae|united kingdom|the united kingdom|" +
    "uk|the uk|united states|the united states|usa|the usa|us|the us|america|uruguay|uzbekistan|venezuela|" +
    "vietnam|wales|yemen|zambia|zimbabwe",
);

/** Regions that are neither a city nor a country (US states, Canadian provinces). */
export const regions = words(
  "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|hawaii|idaho|illinois|" +
    "indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|" +
    "montana|nebraska|nevada|new hampshire|new jersey|new mexico|north carolina|north dakota|ohio|oklahoma|" +
    "oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|" +
    "west virginia|wisconsin|wyoming|ontario|quebec|british columbia|alberta|manitoba|nova scotia|bavaria|" +
    "catalonia|andalusia|tuscany|provence|brittany|normandy|algarve|patagonia|siberia",
);

export const languages = words(
  "english|spanish|portuguese|french|german|italian|dutch|swedish|norwegian|danish|finnish|polish|czech|" +
    "slovak|hungarian|romanian|bulgarian|greek|turkish|russian|ukrainian|arabic|hebrew|persian|farsi|hindi|" +
    "urdu|bengali|punjabi|tamil|telugu|chinese|mandarin|cantonese|japanese|korean|vietnamese|thai|indonesian|" +
    "malay|tagalog|swahili|catalan|basque|galician|irish|welsh|icelandic|latin|esperanto|serbian|croatian",
);

export const demonyms = words(
  "american|british|english|scottish|welsh|irish|canadian|mexican|brazilian|argentinian|argentine|chilean|" +
    "colombian|peruvian|venezuelan|cuban|portuguese|spanish|french|german|italian|dutch|belgian|swiss|austrian|" +
    "swedish|norwegian|danish|finnish|icelandic|polish|czech|slovak|hungarian|romanian|bulgarian|greek|turkish|" +
    "russian|ukrainian|israeli|lebanese|egyptian|moroccan|nigerian|kenyan|ghanaian|ethiopian|south african|" +
    "indian|pakistani|bangladeshi|chinese|japanese|korean|vietnamese|thai|filipino|indonesian|malaysian|" +
    "australian|new zealander|kiwi|iranian|iraqi|saudi|syrian|jordanian|croatian|serbian|slovenian|bosnian|" +
    "albanian|estonian|latvian|lithuanian|georgian|armenian|taiwanese|singaporean",
);

/** Words that can follow "I'm" capitalized without being a name. */
export const notNames = words(
  "ok|okay|fine|good|great|well|sorry|sure|here|back|home|done|ready|not|so|just|also|very|still|really|" +
    // Pronouns are never names: "I'm here for you" is not someone signing "I'm here".
    "i|i'm|i’m|im|i've|i'll|i'd|we|we're|you|you're|he|he's|she|she's|they|they're|it|it's|me|us|him|her|them|" +
    "afraid|glad|happy|sad|tired|hungry|busy|free|new|old|alive|interested|curious|confused|lost|late|" +
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|" +
    "august|september|october|november|december|christian|catholic|protestant|jewish|muslim|hindu|buddhist|" +
    "atheist|agnostic|vegan|vegetarian|gay|straight|bi|trans|male|female|human|the|a|an|in|at|on|from|" +
    "going|trying|looking|thinking|planning|working|living|flying|moving|on|off|out|up|down|over|into|your|" +
    "you|it|this|that|there|mr|mrs|ms|dr",
);

/** Head nouns of job titles: "senior software engineer" → "engineer". */
export const jobHeads = words(
  "engineer|developer|programmer|coder|designer|nurse|doctor|physician|surgeon|dentist|teacher|professor|" +
    "lecturer|tutor|student|researcher|scientist|analyst|consultant|manager|director|lawyer|attorney|solicitor|" +
    "accountant|architect|chef|cook|baker|pilot|writer|author|journalist|editor|artist|musician|photographer|" +
    "actor|actress|farmer|electrician|plumber|carpenter|mechanic|driver|pharmacist|therapist|psychologist|" +
    "psychiatrist|veterinarian|vet|paramedic|firefighter|officer|soldier|librarian|cashier|waiter|waitress|" +
    "barista|bartender|salesperson|salesman|saleswoman|entrepreneur|founder|co-founder|cofounder|ceo|cto|cfo|" +
    "coo|freelancer|intern|translator|interpreter|economist|mathematician|physicist|chemist|biologist|" +
    "technician|administrator|secretary|coach|trainer|instructor|marketer|recruiter|banker|trader|realtor|" +
    "clerk|receptionist|janitor|cleaner|nanny|caregiver|carer|midwife|surveyor|lifeguard|detective|judge|" +
    "paralegal|sailor|fisherman|miner|welder|tailor|hairdresser|barber|stylist|dancer|singer|composer|" +
    "producer|filmmaker|animator|illustrator|copywriter|blogger|streamer|podcaster|youtuber|professional|" +
    "specialist|lead|owner|supervisor|executive|officer|dietitian|nutritionist|optometrist|radiologist|" +
    "pediatrician|paediatrician|cardiologist|anesthesiologist|physiotherapist|sysadmin|devops|tester|" +
    "statistician|accountant|auditor|broker|underwriter|pastor|priest|rabbi|imam|volunteer|postdoc|" +
    "phd student|astronaut|zookeeper|florist|butcher|jeweler|courier|dispatcher|planner|strategist",
);

export const familyRelations = words(
  "sister|brother|mother|mom|mum|father|dad|son|daughter|cousin|aunt|uncle|grandmother|grandma|granny|" +
    "grandfather|grandpa|niece|nephew|stepmother|stepfather|stepson|stepdaughter|stepsister|stepbrother|" +
    "best friend|kid|child|baby|twin|sibling|mother-in-law|father-in-law|sister-in-law|brother-in-law",
);

export const partnerRelations = words(
  "wife|husband|partner|girlfriend|boyfriend|fiance|fiancé|fiancee|fiancée|spouse",
);

export const pets = words(
  "dog|cat|puppy|kitten|parrot|hamster|rabbit|bunny|horse|pony|fish|goldfish|turtle|tortoise|snake|lizard|" +
    "gecko|iguana|bird|budgie|canary|guinea pig|ferret|chinchilla|rat|mouse|hedgehog|pig|goat|chicken|duck",
);

/** Named diets: "I'm vegetarian", "I eat halal", "I'm on a keto diet". */
export const diets = words(
  "vegetarian|vegan|pescatarian|pescetarian|flexitarian|keto|ketogenic|paleo|gluten-free|gluten free|" +
    "dairy-free|dairy free|lactose-free|halal|kosher|raw vegan|carnivore|low-carb|low carb|plant-based|plant based",
);

/**
 * Things a user may love or hate that are really about this conversation, not
 * a lasting preference: "I love that", "I don't like your answer".
 */
export const deicticObjects =
  /^(?:(?:it|them|him|her|you|yours?|this|that|these|those)\b.*|him|her|you|yours?|your\b.*|how\b.*|what\b.*|when\b.*|where\b.*|why\b.*|the (?:idea|way|answer|response|reply|suggestion|explanation|question|thought)\b.*|everything|nothing|anything|something|one|all|both|to (?:know|hear|see|ask|think)\b.*)$/i;

/** Head nouns of things people own: "a road bike", "an old Kindle", "a cabin near Tahoe". */
export const possessions = words(
  "car|bike|bicycle|e-bike|ebike|motorbike|motorcycle|scooter|moped|truck|pickup|van|minivan|suv|camper|campervan|rv|" +
    "motorhome|boat|sailboat|yacht|kayak|canoe|jet ski|house|apartment|flat|condo|cabin|cottage|villa|farm|ranch|" +
    "garden|allotment|pool|garage|shed|greenhouse|workshop|studio|beach house|lake house|holiday home|vacation home|" +
    "laptop|computer|pc|desktop|macbook|chromebook|iphone|phone|smartphone|android|ipad|tablet|kindle|e-reader|ereader|" +
    "camera|drone|tv|television|projector|console|playstation|ps4|ps5|xbox|switch|steam deck|guitar|piano|keyboard|" +
    "violin|cello|ukulele|drum kit|saxophone|trumpet|telescope|printer|3d printer|watch|smartwatch|fitbit|headphones|" +
    "turntable|record player|sewing machine|espresso machine|coffee machine|air fryer|thermomix|treadmill|rowing machine|" +
    "exercise bike|grill|bbq|barbecue|smoker|hot tub|sauna|business|company|shop|store|bakery|restaurant|cafe|café|bar|" +
    "vineyard|orchard|plot|land|timeshare|collection|roomba|robot vacuum|vinyl collection|sports car|convertible|hatchback|sedan|wagon",
);

/** Makers and models that name a possession by themselves: "a 2012 Volvo", "a Tesla Model 3", "a PS5". */
export const brands = words(
  "volvo|tesla|toyota|honda|ford|bmw|audi|mercedes|mercedes-benz|vw|volkswagen|subaru|mazda|nissan|kia|hyundai|jeep|" +
    "porsche|fiat|renault|peugeot|citroen|citroën|skoda|škoda|seat|prius|corolla|civic|mini|vespa|ducati|harley|" +
    "harley-davidson|yamaha|kawasaki|triumph|lexus|chevy|chevrolet|dodge|ram|cadillac|lamborghini|ferrari|land rover|" +
    "range rover|jaguar|rivian|polestar|byd|apple|samsung|galaxy|pixel|thinkpad|dell|lenovo|surface|kindle|ipad|iphone|" +
    "macbook|imac|nintendo|playstation|xbox|canon|nikon|sony|fujifilm|fuji|gopro|dji|garmin|peloton|roomba|dyson|" +
    "kitchenaid|vitamix|brompton|trek|specialized|cannondale|bianchi|fender|gibson|yamaha|steinway|rolex|omega|seiko",
);

/**
 * North American area codes (NPAs) -> the US state or Canadian province they serve, as ISO 3166-2
 * subdivision codes ('US-NY', 'CA-ON'). Investigators compare a phone's area code with the city
 * an ad was posted in ("incongruence with area codes", detection.md §3.2): a number from one
 * state advertised in another is a circuit signal.
 *
 * Source: NANPA geographic area code assignments (nationalnanpa.com, "NPA reports") and, for
 * Canada, the Canadian Numbering Administrator's area code announcements (CRTC relief decisions).
 * Cross-checked against the area codes libphonenumber-js 1.13 metadata accepts as valid for US and
 * CA, and against published overlay tables (lincmad.com overlay map, CNA/CRTC press coverage of
 * 257, 263, 354, 368, 382, 428, 468, 584, 683, 742, 753, 879, 942).
 *
 * Deliberately left out:
 * - non-geographic codes (toll free 8XX, 500-series, 600/622/633, 900): no place to report;
 * - codes that serve more than one province or territory: 867 (Yukon, Northwest Territories,
 *   Nunavut) and 902/782 (Nova Scotia and Prince Edward Island); guessing one would mislead;
 * - 273, which libphonenumber lists as Canadian but whose province could not be confirmed;
 * - other NANP countries (Caribbean): their numbers carry their own country, not a subdivision.
 * US territories that ISO 3166-2:US lists as subdivisions (PR, GU, VI, MP, AS) are included.
 */

/** Subdivision -> its area codes, as NANPA and the CNA assign them (overlays included). */
const BY_AREA: Readonly<Record<string, readonly number[]>> = {
  'US-AL': [205, 251, 256, 334, 659, 938],
  'US-AK': [907],
  'US-AZ': [480, 520, 602, 623, 928],
  'US-AR': [327, 479, 501, 870],
  'US-CA': [
    209, 213, 279, 310, 323, 341, 350, 369, 408, 415, 424, 442, 510, 530, 559, 562, 619, 626, 628,
    650, 657, 661, 669, 707, 714, 738, 747, 760, 805, 818, 820, 831, 840, 858, 909, 916, 925, 949,
    951,
  ],
  'US-CO': [303, 719, 720, 748, 970, 983],
  'US-CT': [203, 475, 860, 959],
  'US-DE': [302],
  'US-DC': [202, 771],
  'US-FL': [
    239, 305, 321, 324, 352, 386, 407, 448, 561, 645, 656, 689, 727, 728, 754, 772, 786, 813, 850,
    863, 904, 941, 954,
  ],
  'US-GA': [229, 404, 470, 478, 678, 706, 762, 770, 912, 943],
  'US-HI': [808],
  'US-ID': [208, 986],
  'US-IL': [217, 224, 309, 312, 331, 447, 464, 618, 630, 708, 730, 773, 779, 815, 847, 872],
  'US-IN': [219, 260, 317, 463, 574, 765, 812, 930],
  'US-IA': [319, 515, 563, 641, 712],
  'US-KS': [316, 620, 785, 913],
  'US-KY': [270, 364, 502, 606, 859],
  'US-LA': [225, 318, 337, 504, 985],
  'US-ME': [207],
  'US-MD': [227, 240, 301, 410, 443, 667],
  'US-MA': [339, 351, 413, 508, 617, 774, 781, 857, 978],
  'US-MI': [231, 248, 269, 313, 517, 586, 616, 679, 734, 810, 906, 947, 989],
  'US-MN': [218, 320, 507, 612, 651, 763, 952],
  'US-MS': [228, 601, 662, 769],
  'US-MO': [235, 314, 417, 557, 573, 636, 660, 816, 975],
  'US-MT': [406],
  'US-NE': [308, 402, 531],
  'US-NV': [702, 725, 775],
  'US-NH': [603],
  'US-NJ': [201, 551, 609, 640, 732, 848, 856, 862, 908, 973],
  'US-NM': [505, 575],
  'US-NY': [
    212, 315, 329, 332, 347, 363, 516, 518, 585, 607, 631, 646, 680, 716, 718, 838, 845, 914, 917,
    929, 934,
  ],
  'US-NC': [252, 336, 472, 704, 743, 828, 910, 919, 980, 984],
  'US-ND': [701],
  'US-OH': [216, 220, 234, 283, 326, 330, 380, 419, 440, 513, 567, 614, 740, 937],
  'US-OK': [405, 539, 572, 580, 918],
  'US-OR': [458, 503, 541, 971],
  'US-PA': [215, 223, 267, 272, 412, 445, 484, 570, 582, 610, 717, 724, 814, 835, 878],
  'US-RI': [401],
  'US-SC': [803, 821, 839, 843, 854, 864],
  'US-SD': [605],
  'US-TN': [423, 615, 629, 731, 865, 901, 931],
  'US-TX': [
    210, 214, 254, 281, 325, 346, 361, 409, 430, 432, 469, 512, 682, 713, 726, 737, 806, 817, 830,
    832, 903, 915, 936, 940, 945, 956, 972, 979,
  ],
  'US-UT': [385, 435, 801],
  'US-VT': [802],
  'US-VA': [276, 434, 540, 571, 686, 703, 757, 804, 826, 948],
  'US-WA': [206, 253, 360, 425, 509, 564],
  'US-WV': [304, 681],
  'US-WI': [262, 274, 353, 414, 534, 608, 715, 920],
  'US-WY': [307],
  // Territories with their own ISO 3166-2:US subdivision code.
  'US-PR': [787, 939],
  'US-VI': [340],
  'US-GU': [671],
  'US-MP': [670],
  'US-AS': [684],
  // Canada.
  'CA-AB': [368, 403, 587, 780, 825],
  'CA-BC': [236, 250, 257, 604, 672, 778],
  'CA-MB': [204, 431, 584],
  'CA-NB': [428, 506],
  'CA-NL': [709, 879],
  'CA-ON': [
    226, 249, 289, 343, 365, 382, 416, 437, 519, 548, 613, 647, 683, 705, 742, 753, 807, 905, 942,
  ],
  'CA-QC': [263, 354, 367, 418, 438, 450, 468, 514, 579, 581, 819, 873],
  'CA-SK': [306, 474, 639],
};

/** Area code (three digits) -> 'US-XX' or 'CA-XX'. */
export const NANP_AREA_CODES: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [area, codes] of Object.entries(BY_AREA)) {
    for (const code of codes) {
      const key = String(code);
      // A code listed twice would silently take the later subdivision; fail loudly instead.
      if (map.has(key)) throw new Error(`nanp: area code ${key} listed twice`);
      map.set(key, area);
    }
  }
  return map;
})();

/**
 * The state or province of a NANP number: the 10-digit national number, or 11 digits with the
 * leading 1, or just the three-digit area code; other characters ("+1 (212) 555-0123") are
 * ignored. Undefined for non-geographic, shared or unknown area codes.
 */
export function areaOf(nationalNumber: string): string | undefined {
  let digits = '';
  for (let i = 0; i < nationalNumber.length; i++) {
    const c = nationalNumber.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      digits += nationalNumber[i];
      if (digits.length > 11) return undefined;
    }
  }
  if (digits.length === 11 && digits[0] === '1') digits = digits.slice(1);
  if (digits.length !== 10 && digits.length !== 3) return undefined;
  return NANP_AREA_CODES.get(digits.slice(0, 3));
}

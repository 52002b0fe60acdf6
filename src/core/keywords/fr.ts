import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (French entries); negatives
// are the everyday French words for the same non-card identifiers as the English list.
export const fr: KeywordList = {
  card: [
    'carte', 'carte bancaire', 'carte de credit', 'carte credit', 'carte de paiement', 'carte bleue', 'cb',
    'numero de carte', 'no de carte', 'n de carte', 'n de la carte', 'numero de la carte', 'titulaire de la carte',
    'titulaire', 'carte de debit', 'paiement',
  ],
  securityCode: [
    'cryptogramme', 'cryptogramme visuel', 'code de securite', 'numero de securite', 'code cvv', 'code de verification',
  ],
  expiry: [
    "date d'expiration", 'date d expiration', "date d'exp", 'date expiration', 'expiration', 'expire le',
    "date de validite", 'valable jusqu', "fin de validite",
  ],
  negativeHard: ['telephone', 'portable', 'horodatage', 'somme de controle', 'securite sociale', 'numero de securite sociale'],
  negativeSoft: ['commande', 'numero de commande', 'facture', 'reference', 'suivi', 'numero de suivi', 'colis', 'numero de serie', 'dossier'],
};

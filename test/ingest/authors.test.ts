import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthors } from '../../src/ingest/authors.js';

test('names split on commas, "and" and "&", and keep their TeX', () => {
  assert.deepEqual(parseAuthors('Cynthia Dwork, Joseph Y. Halpern, and O. Waarts'), [
    { name: 'Cynthia Dwork' }, { name: 'Joseph Y. Halpern' }, { name: 'O. Waarts' },
  ]);
  assert.deepEqual(parseAuthors('Chris Nixon, Andrew King & Daniel Price'), [
    { name: 'Chris Nixon' }, { name: 'Andrew King' }, { name: 'Daniel Price' },
  ]);
  assert.deepEqual(parseAuthors("Marcello Bernardara, Emanuele Macr\\`i, M. Bj{\\o}rn, Fr\\'{e}d\\'{e}ric Klopp"), [
    { name: 'Marcello Bernardara' }, { name: 'Emanuele Macr\\`i' }, { name: 'M. Bj{\\o}rn' }, { name: "Fr\\'{e}d\\'{e}ric Klopp" },
  ]);
});

test('a parenthesis after a name is its affiliation, and carries back to the names before it', () => {
  assert.deepEqual(parseAuthors('Christian Krattenthaler (Universit\\"at Wien) and Thomas M\\"uller\n  (Queen Mary & Westfield College, University of London)'), [
    { name: 'Christian Krattenthaler', affiliations: ['Universit\\"at Wien'] },
    { name: 'Thomas M\\"uller', affiliations: ['Queen Mary & Westfield College, University of London'] },
  ]);
  assert.deepEqual(parseAuthors('R. Stern, M. Mali and D. Brinkmann (Physik-Institut, University Zurich)'), [
    { name: 'R. Stern', affiliations: ['Physik-Institut, University Zurich'] },
    { name: 'M. Mali', affiliations: ['Physik-Institut, University Zurich'] },
    { name: 'D. Brinkmann', affiliations: ['Physik-Institut, University Zurich'] },
  ]);
  assert.deepEqual(parseAuthors("Fr\\'{e}d\\'{e}ric Klopp (LAGA), Georgi Raikov"), [
    { name: "Fr\\'{e}d\\'{e}ric Klopp", affiliations: ['LAGA'] }, { name: 'Georgi Raikov' },
  ]);
});

test('numbers point into an enumerated list of affiliations', () => {
  assert.deepEqual(
    parseAuthors("A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan Science and Technology Agency, (2) Russian Research Centre ``Kurchatov Institute'', (3) The University of Tokyo)"),
    [
      { name: 'A. S. Mishchenko', affiliations: ['CREST, Japan Science and Technology Agency', "Russian Research Centre ``Kurchatov Institute''"] },
      { name: 'N. Nagaosa', affiliations: ['CREST, Japan Science and Technology Agency', 'The University of Tokyo'] },
    ],
  );
  assert.deepEqual(parseAuthors('Eric Jensen (1), Saurav Dhital (1,2); (1 - Swarthmore College; 2 - Vanderbilt)'), [
    { name: 'Eric Jensen', affiliations: ['Swarthmore College'] },
    { name: 'Saurav Dhital', affiliations: ['Swarthmore College', 'Vanderbilt'] },
  ]);
});

test('collaborations, "et al", suffixes and nicknames', () => {
  assert.deepEqual(parseAuthors('CLEO Collaboration: T. K. Pedlar, et al'), [{ name: 'CLEO Collaboration' }, { name: 'T. K. Pedlar' }]);
  assert.deepEqual(parseAuthors('The CMS and LHCb Collaborations: V. Khachatryan, A.M. Sirunyan'), [
    { name: 'The CMS and LHCb Collaborations' }, { name: 'V. Khachatryan' }, { name: 'A.M. Sirunyan' },
  ]);
  // Affiliations do not carry back to a collaboration.
  assert.deepEqual(parseAuthors('The SuperSuper Collaboration, Toshiki Saito (MPES & Oxford)'), [
    { name: 'The SuperSuper Collaboration' }, { name: 'Toshiki Saito', affiliations: ['MPES & Oxford'] },
  ]);
  assert.deepEqual(parseAuthors('Caleb K. Lo, Robert W. Heath, Jr. and Sriram Vishwanath'), [
    { name: 'Caleb K. Lo' }, { name: 'Robert W. Heath, Jr.' }, { name: 'Sriram Vishwanath' },
  ]);
  assert.deepEqual(parseAuthors('Kadeem Dennis, Zhe (Rita) Liang'), [{ name: 'Kadeem Dennis' }, { name: 'Zhe (Rita) Liang' }]);
  assert.deepEqual(parseAuthors(''), []);
});

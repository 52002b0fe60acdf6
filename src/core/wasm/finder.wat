;; The candidate finder's fast path for digit-dense text, in WebAssembly: ASCII or Latin-1, one
;; byte per character.
;;
;; Why: on a CSV export of ids, timestamps and amounts nearly every line holds one or two runs of
;; 12–19 digits, and the JavaScript finder reads each of them three times (the window test, the
;; expansion, Luhn) at ~2 ns a character. Here one pass reads each byte about once and settles
;; the common run on the spot: one group of 12–19 ASCII digits with plain neighbours that fails
;; Luhn (counted as rejected) or is Luhn-valid of no brand (counted as held back). Every other
;; run of 12 or more digits is reported to JavaScript, which runs the exact finder on it, so
;; the detection rules stay in one place (candidates.ts) and this kernel only has to agree with
;; them on what it settles itself. The driver is `findCandidates` (candidates.ts), the loader kernel.ts.
;;
;; Memory layout (offsets in bytes):
;;   0     .. 255      class of each byte (char-class.ts): 1 digit, 2 separator, 4 glue (letter, `_`)
;;   256   .. 265      Luhn doubling table: 2d with its digits summed
;;   512   .. 591      per first digit: (offset of its first range, number of ranges) as 2 × i32
;;   1024  .. 8191     brand ranges: (low, high, lengths bit mask) as 3 × i32 over 6-digit prefixes
;;   8192  .. 139263   reported runs: (start, end) as 2 × i32, at most 16384 of them
;;   139264 ..         the input bytes
(module
  (memory (export "memory") 4)

  (global $outCount (export "outCount") (mut i32) (i32.const 0))
  (global $rejected (export "rejected") (mut i32) (i32.const 0))
  (global $heldBack (export "heldBack") (mut i32) (i32.const 0))
  ;; Runs that start before this input offset are reported, not settled: they may lie inside the
  ;; magnetic-stripe data of a PAN reported just before (JavaScript skips those).
  (global $hotUntil (export "hotUntil") (mut i32) (i32.const 0))

  ;; The class of input byte `at` is written `(i32.load8_u (i32.load8_u offset=139264 at))`
  ;; wherever it is needed: V8 does not inline WebAssembly calls, and the call made the loop 60 %
  ;; slower.

  (func $report (param $start i32) (param $end i32) (result i32)
    (local $slot i32)
    (if (i32.ge_u (global.get $outCount) (i32.const 16384)) (then (return (i32.const 0))))
    (local.set $slot (i32.add (i32.const 8192) (i32.shl (global.get $outCount) (i32.const 3))))
    (i32.store (local.get $slot) (local.get $start))
    (i32.store offset=4 (local.get $slot) (local.get $end))
    (global.set $outCount (i32.add (global.get $outCount) (i32.const 1)))
    (i32.const 1))

  ;; Whether some brand issues PANs of `length` digits with these first six digits.
  (func $brandIssues (param $prefix6 i32) (param $length i32) (result i32)
    (local $entry i32) (local $range i32) (local $last i32) (local $bit i32)
    (local.set $entry (i32.add (i32.const 512) (i32.shl (i32.div_u (local.get $prefix6) (i32.const 100000)) (i32.const 3))))
    (local.set $range (i32.load (local.get $entry)))
    (local.set $last (i32.add (local.get $range) (i32.mul (i32.load offset=4 (local.get $entry)) (i32.const 12))))
    (local.set $bit (i32.shl (i32.const 1) (local.get $length)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $range) (local.get $last)))
        (if (i32.and
              (i32.and
                (i32.ge_u (local.get $prefix6) (i32.load (local.get $range)))
                (i32.le_u (local.get $prefix6) (i32.load offset=4 (local.get $range))))
              (i32.ne (i32.and (i32.load offset=8 (local.get $range)) (local.get $bit)) (i32.const 0)))
          (then (return (i32.const 1))))
        (local.set $range (i32.add (local.get $range) (i32.const 12)))
        (br $next)))
    (i32.const 0))

  ;; Scans window starts in [from, until) of the `length` input bytes. `flags`: 1 the input
  ;; starts at the text's start (no character before it), 2 it ends at the text's end, 4 only
  ;; runs some brand issues are reported (Luhn-valid others are held back). Returns where
  ;; JavaScript should go on: `until` or past it when done, else the start of a run that reaches
  ;; past the input or did not fit in the report area.
  (func (export "scan") (param $length i32) (param $from i32) (param $until i32) (param $flags i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $stop i32) (local $checked i32)
    (local $cls i32) (local $start i32) (local $end i32) (local $groups i32) (local $digits i32)
    (local $d i32) (local $sumA i32) (local $sumB i32) (local $left i32) (local $right i32) (local $prefix i32)
    (global.set $outCount (i32.const 0))
    (global.set $rejected (i32.const 0))
    (global.set $heldBack (i32.const 0))
    (local.set $i (local.get $from))
    (local.set $checked (i32.const -1))
    (block $finished
      (loop $window
        (br_if $finished (i32.ge_s (local.get $i) (local.get $until)))
        (if (i32.gt_s (i32.add (local.get $i) (i32.const 12)) (local.get $length))
          (then
            ;; No window fits: at the text's end there is no run left; else the next input decides.
            (if (i32.and (local.get $flags) (i32.const 2))
              (then
                (local.set $i (local.get $until))
                (br $finished)))
            (return (local.get $i))))
        (local.set $j (i32.add (local.get $i) (i32.const 11)))
        ;; Horspool: a window whose last byte cannot be in a run is skipped whole.
        (if (i32.eqz (i32.and (i32.load8_u (i32.load8_u offset=139264 (local.get $j))) (i32.const 3)))
          (then
            (local.set $i (i32.add (local.get $j) (i32.const 1)))
            (br $window)))
        (local.set $stop (select (i32.add (local.get $checked) (i32.const 1)) (local.get $i) (i32.ge_s (local.get $checked) (local.get $i))))
        (block $walked
          (loop $back
            (br_if $walked (i32.lt_s (local.get $j) (local.get $stop)))
            (local.set $cls (i32.load8_u (i32.load8_u offset=139264 (local.get $j))))
            (if (i32.eq (local.get $cls) (i32.const 1))
              (then
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br $back)))
            ;; A separator counts only after a digit. (`i32.and` evaluates both sides, so the byte
            ;; before j is read only once j > i is known: before the input it is out of bounds.)
            (if (i32.and (i32.eq (local.get $cls) (i32.const 2)) (i32.gt_s (local.get $j) (local.get $i)))
              (then
                (if (i32.eq (i32.load8_u (i32.load8_u offset=139264 (i32.sub (local.get $j) (i32.const 1)))) (i32.const 1))
                  (then
                    (local.set $j (i32.sub (local.get $j) (i32.const 2)))
                    (br $back)))))))
        (if (i32.ge_s (local.get $j) (local.get $stop))
          (then
            (local.set $checked (i32.add (local.get $i) (i32.const 11)))
            (local.set $i (i32.add (local.get $j) (i32.const 1)))
            (br $window)))
        (if (i32.ne (i32.load8_u (i32.load8_u offset=139264 (local.get $i))) (i32.const 1))
          (then
            (local.set $checked (i32.add (local.get $i) (i32.const 11)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $window)))
        ;; A run starts at i. Its first group, with Luhn both ways round.
        (local.set $start (local.get $i))
        (local.set $k (local.get $i))
        (local.set $sumA (i32.const 0))
        (local.set $sumB (i32.const 0))
        (block $groupEnd
          (loop $digit
            (br_if $groupEnd (i32.ge_s (local.get $k) (local.get $length)))
            (local.set $d (i32.sub (i32.load8_u offset=139264 (local.get $k)) (i32.const 48)))
            (br_if $groupEnd (i32.gt_u (local.get $d) (i32.const 9)))
            (if (i32.and (i32.sub (local.get $k) (local.get $start)) (i32.const 1))
              (then
                (local.set $sumA (i32.add (local.get $sumA) (local.get $d)))
                (local.set $sumB (i32.add (local.get $sumB) (i32.load8_u offset=256 (local.get $d)))))
              (else
                (local.set $sumA (i32.add (local.get $sumA) (i32.load8_u offset=256 (local.get $d))))
                (local.set $sumB (i32.add (local.get $sumB) (local.get $d)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $digit)))
        (local.set $groups (i32.const 1))
        (local.set $digits (i32.sub (local.get $k) (local.get $start)))
        ;; Further groups: one separator, then a digit.
        (block $runEnd
          (loop $group
            (br_if $runEnd (i32.ge_s (i32.add (local.get $k) (i32.const 1)) (local.get $length)))
            (br_if $runEnd (i32.ne (i32.load8_u (i32.load8_u offset=139264 (local.get $k))) (i32.const 2)))
            (br_if $runEnd (i32.ne (i32.load8_u (i32.load8_u offset=139264 (i32.add (local.get $k) (i32.const 1)))) (i32.const 1)))
            (local.set $j (local.get $k))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (block $more
              (loop $digits
                (br_if $more (i32.ge_s (local.get $k) (local.get $length)))
                (br_if $more (i32.ne (i32.load8_u (i32.load8_u offset=139264 (local.get $k))) (i32.const 1)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $digits)))
            (local.set $groups (i32.add (local.get $groups) (i32.const 1)))
            (local.set $digits (i32.add (local.get $digits) (i32.sub (i32.sub (local.get $k) (local.get $j)) (i32.const 1))))
            (br $group)))
        (local.set $end (local.get $k))
        ;; The run and its right neighbour must be whole: else the next input decides.
        (if (i32.and
              (i32.eqz (i32.and (local.get $flags) (i32.const 2)))
              (i32.ge_s (i32.add (local.get $end) (i32.const 1)) (local.get $length)))
          (then (return (local.get $start))))
        (local.set $i (i32.add (local.get $end) (i32.const 1)))
        (block $settled
          (br_if $settled (i32.lt_s (local.get $digits) (i32.const 12)))
          ;; One group of more than 19 digits has no reading.
          (br_if $settled (i32.and (i32.eq (local.get $groups) (i32.const 1)) (i32.gt_s (local.get $digits) (i32.const 19))))
          (local.set $left (if (result i32) (i32.gt_s (local.get $start) (i32.const 0))
            (then (i32.load8_u offset=139263 (local.get $start)))
            (else (if (result i32) (i32.and (local.get $flags) (i32.const 1)) (then (i32.const 32)) (else (i32.const -1))))))
          (local.set $right (if (result i32) (i32.lt_s (local.get $end) (local.get $length))
            (then (i32.load8_u offset=139264 (local.get $end)))
            (else (i32.const 32))))
          (if (i32.or
                (i32.or
                  (i32.gt_s (local.get $groups) (i32.const 1))
                  (i32.or (i32.lt_s (local.get $left) (i32.const 0)) (i32.lt_s (local.get $start) (global.get $hotUntil))))
                (i32.or
                  (i32.or (i32.eq (local.get $left) (i32.const 66)) (i32.eq (local.get $left) (i32.const 98)))
                  (i32.or
                    (i32.or (i32.eq (local.get $right) (i32.const 61)) (i32.eq (local.get $right) (i32.const 94)))
                    (i32.eq (local.get $right) (i32.const 68)))))
            (then
              ;; Track data (`B<pan>^`, `<pan>=`, `<pan>D`) and groupings: JavaScript's to read.
              (if (i32.or
                    (i32.or (i32.eq (local.get $left) (i32.const 66)) (i32.eq (local.get $left) (i32.const 98)))
                    (i32.or
                      (i32.or (i32.eq (local.get $right) (i32.const 61)) (i32.eq (local.get $right) (i32.const 94)))
                      (i32.eq (local.get $right) (i32.const 68))))
                (then
                  (if (i32.gt_s (i32.add (local.get $start) (i32.const 80)) (global.get $hotUntil))
                    (then (global.set $hotUntil (i32.add (local.get $start) (i32.const 80)))))))
              (if (i32.eqz (call $report (local.get $start) (local.get $end)))
                (then (return (local.get $start))))
              (br $settled)))
          ;; Glued to a word or a digit on either side: not a card number, not counted.
          (br_if $settled (i32.and (i32.load8_u (local.get $left)) (i32.const 5)))
          (br_if $settled (i32.and (i32.load8_u (local.get $right)) (i32.const 5)))
          (if (i32.rem_u
                (select (local.get $sumA) (local.get $sumB) (i32.eqz (i32.and (local.get $digits) (i32.const 1))))
                (i32.const 10))
            (then
              (global.set $rejected (i32.add (global.get $rejected) (i32.const 1)))
              (br $settled)))
          (if (i32.and (local.get $flags) (i32.const 4))
            (then
              (local.set $prefix
                (i32.add (i32.mul (i32.const 100000) (i32.sub (i32.load8_u offset=139264 (local.get $start)) (i32.const 48)))
                (i32.add (i32.mul (i32.const 10000) (i32.sub (i32.load8_u offset=139265 (local.get $start)) (i32.const 48)))
                (i32.add (i32.mul (i32.const 1000) (i32.sub (i32.load8_u offset=139266 (local.get $start)) (i32.const 48)))
                (i32.add (i32.mul (i32.const 100) (i32.sub (i32.load8_u offset=139267 (local.get $start)) (i32.const 48)))
                (i32.add (i32.mul (i32.const 10) (i32.sub (i32.load8_u offset=139268 (local.get $start)) (i32.const 48)))
                  (i32.sub (i32.load8_u offset=139269 (local.get $start)) (i32.const 48))))))))
              (if (i32.eqz (call $brandIssues (local.get $prefix) (local.get $digits)))
                (then
                  (global.set $heldBack (i32.add (global.get $heldBack) (i32.const 1)))
                  (br $settled)))))
          (if (i32.eqz (call $report (local.get $start) (local.get $end)))
            (then (return (local.get $start)))))
        (br $window)))
    ;; A skip or a run may have carried i past `until`; what lies before i is settled.
    (local.get $i))
)

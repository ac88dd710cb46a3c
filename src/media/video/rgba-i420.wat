;; RGBA8 to 8-bit I420 (rec709.ts, rgbaToI420) in WebAssembly SIMD. Luma is a weighted sum of
;; R, G and B per pixel, chroma the same of each 2x2 block's sums, all in 16.16 fixed point with
;; the weights and offsets rec709.ts gives; sixteen pixels (luma) or four blocks (chroma) a step,
;; then one at a time for what is left. rec709.ts owns the memory layout.
;; Built into rgba-i420-wasm.ts by `node scripts/build-wasm.mjs`.
(module
  (memory (export "memory") 1)

  ;; One channel of four RGBA pixels (byte `shift` / 8 of each) as i32x4.
  (func $channel (param $pixels v128) (param $shift i32) (result v128)
    (v128.and (i32x4.shr_u (local.get $pixels) (local.get $shift)) (v128.const i32x4 255 255 255 255)))

  ;; Luma of four RGBA pixels: (r kr + g kg + b kb + offset) >> 16, lane by lane.
  (func $luma4 (param $pixels v128) (param $kr v128) (param $kg v128) (param $kb v128) (param $offset v128) (result v128)
    (i32x4.shr_s
      (i32x4.add
        (i32x4.add
          (i32x4.mul (call $channel (local.get $pixels) (i32.const 0)) (local.get $kr))
          (i32x4.mul (call $channel (local.get $pixels) (i32.const 8)) (local.get $kg)))
        (i32x4.add (i32x4.mul (call $channel (local.get $pixels) (i32.const 16)) (local.get $kb)) (local.get $offset)))
      (i32.const 16)))

  ;; Luma of `count` pixels at $src (RGBA8) into $dst (one byte each): rows need no telling apart.
  (func (export "luma") (param $src i32) (param $dst i32) (param $count i32)
    (param $kr i32) (param $kg i32) (param $kb i32) (param $offset i32)
    (local $end i32) (local $r v128) (local $g v128) (local $b v128) (local $o v128)
    (local.set $r (i32x4.splat (local.get $kr)))
    (local.set $g (i32x4.splat (local.get $kg)))
    (local.set $b (i32x4.splat (local.get $kb)))
    (local.set $o (i32x4.splat (local.get $offset)))
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $count) (i32.const -16))))
    (block $vectors
      (loop $sixteen
        (br_if $vectors (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst)
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_u
              (call $luma4 (v128.load (local.get $src)) (local.get $r) (local.get $g) (local.get $b) (local.get $o))
              (call $luma4 (v128.load offset=16 (local.get $src)) (local.get $r) (local.get $g) (local.get $b) (local.get $o)))
            (i16x8.narrow_i32x4_u
              (call $luma4 (v128.load offset=32 (local.get $src)) (local.get $r) (local.get $g) (local.get $b) (local.get $o))
              (call $luma4 (v128.load offset=48 (local.get $src)) (local.get $r) (local.get $g) (local.get $b) (local.get $o)))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $sixteen)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $count) (i32.const 15))))
    (block $pixels
      (loop $one
        (br_if $pixels (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store8 (local.get $dst)
          (i32.shr_s
            (i32.add
              (i32.add
                (i32.mul (i32.load8_u (local.get $src)) (local.get $kr))
                (i32.mul (i32.load8_u offset=1 (local.get $src)) (local.get $kg)))
              (i32.add (i32.mul (i32.load8_u offset=2 (local.get $src)) (local.get $kb)) (local.get $offset)))
            (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $one))))

  ;; Per channel, the sums of two 2x2 blocks: the top row's pixels 0..3 at $top and the bottom's
  ;; at $bottom, as i16x8 (R, G, B, A of the first block, then of the second).
  (func $blocks2 (param $top v128) (param $bottom v128) (result v128)
    (local $low v128) (local $high v128)
    (local.set $low (i16x8.add (i16x8.extend_low_i8x16_u (local.get $top)) (i16x8.extend_low_i8x16_u (local.get $bottom))))
    (local.set $high (i16x8.add (i16x8.extend_high_i8x16_u (local.get $top)) (i16x8.extend_high_i8x16_u (local.get $bottom))))
    (i16x8.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $low) (local.get $high))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $low) (local.get $high))))

  ;; Four chroma values (i32x4, each 0..255) packed into the low four bytes.
  (func $bytes4 (param $v v128) (result i32)
    (local.set $v (i16x8.narrow_i32x4_u (local.get $v) (local.get $v)))
    (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (local.get $v) (local.get $v))))

  ;; min(255, (((r kr + g kg + b kb) >> 2) + offset) >> 16) of one block's channel sums.
  (func $chroma1 (param $r i32) (param $g i32) (param $b i32) (param $kr i32) (param $kg i32) (param $kb i32) (param $offset i32) (result i32)
    (local $v i32)
    (local.set $v (i32.shr_s
      (i32.add
        (i32.shr_s
          (i32.add (i32.add (i32.mul (local.get $r) (local.get $kr)) (i32.mul (local.get $g) (local.get $kg))) (i32.mul (local.get $b) (local.get $kb)))
          (i32.const 2))
        (local.get $offset))
      (i32.const 16)))
    (select (i32.const 255) (local.get $v) (i32.gt_s (local.get $v) (i32.const 255))))

  ;; One row of chroma: the ceil(width / 2) 2x2 blocks over the RGBA rows at $top and $bottom (the
  ;; same row when the picture's last row has no pair) of `width` pixels, into $u and $v. A block at
  ;; an odd width's edge repeats its last column.
  (func (export "chroma") (param $top i32) (param $bottom i32) (param $width i32) (param $u i32) (param $v i32)
    (param $ur i32) (param $ug i32) (param $ub i32) (param $vr i32) (param $vg i32) (param $vb i32) (param $offset i32)
    (local $x i32) (local $full i32) (local $left i32) (local $right i32)
    (local $sums01 v128) (local $sums23 v128) (local $r v128) (local $g v128) (local $b v128)
    (local $sr i32) (local $sg i32) (local $sb i32) (local $a i32) (local $c i32)
    (local $kur v128) (local $kug v128) (local $kub v128) (local $kvr v128) (local $kvg v128) (local $kvb v128) (local $ko v128)
    (local.set $kur (i32x4.splat (local.get $ur)))
    (local.set $kug (i32x4.splat (local.get $ug)))
    (local.set $kub (i32x4.splat (local.get $ub)))
    (local.set $kvr (i32x4.splat (local.get $vr)))
    (local.set $kvg (i32x4.splat (local.get $vg)))
    (local.set $kvb (i32x4.splat (local.get $vb)))
    (local.set $ko (i32x4.splat (local.get $offset)))
    ;; Four blocks a step while all eight pixels exist.
    (local.set $full (i32.and (i32.shr_u (local.get $width) (i32.const 1)) (i32.const -4)))
    (block $vectors
      (loop $four
        (br_if $vectors (i32.ge_u (local.get $x) (local.get $full)))
        (local.set $left (i32.shl (local.get $x) (i32.const 3)))
        (local.set $sums01 (call $blocks2
          (v128.load (i32.add (local.get $top) (local.get $left)))
          (v128.load (i32.add (local.get $bottom) (local.get $left)))))
        (local.set $sums23 (call $blocks2
          (v128.load offset=16 (i32.add (local.get $top) (local.get $left)))
          (v128.load offset=16 (i32.add (local.get $bottom) (local.get $left)))))
        (local.set $r (i32x4.extend_low_i16x8_u (i8x16.shuffle 0 1 8 9 16 17 24 25 0 0 0 0 0 0 0 0 (local.get $sums01) (local.get $sums23))))
        (local.set $g (i32x4.extend_low_i16x8_u (i8x16.shuffle 2 3 10 11 18 19 26 27 0 0 0 0 0 0 0 0 (local.get $sums01) (local.get $sums23))))
        (local.set $b (i32x4.extend_low_i16x8_u (i8x16.shuffle 4 5 12 13 20 21 28 29 0 0 0 0 0 0 0 0 (local.get $sums01) (local.get $sums23))))
        (i32.store (i32.add (local.get $u) (local.get $x)) (call $bytes4 (call $chroma4 (local.get $r) (local.get $g) (local.get $b) (local.get $kur) (local.get $kug) (local.get $kub) (local.get $ko))))
        (i32.store (i32.add (local.get $v) (local.get $x)) (call $bytes4 (call $chroma4 (local.get $r) (local.get $g) (local.get $b) (local.get $kvr) (local.get $kvg) (local.get $kvb) (local.get $ko))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $four)))
    ;; The rest one block at a time.
    (block $blocks
      (loop $one
        (br_if $blocks (i32.ge_u (i32.shl (local.get $x) (i32.const 1)) (local.get $width)))
        (local.set $left (i32.shl (local.get $x) (i32.const 3)))
        (local.set $right (select
          (i32.add (local.get $left) (i32.const 4))
          (local.get $left)
          (i32.lt_u (i32.add (i32.shl (local.get $x) (i32.const 1)) (i32.const 1)) (local.get $width))))
        (local.set $a (i32.add (local.get $top) (local.get $left)))
        (local.set $c (i32.add (local.get $bottom) (local.get $left)))
        (local.set $right (i32.sub (local.get $right) (local.get $left)))
        (local.set $sr (i32.add
          (i32.add (i32.load8_u (local.get $a)) (i32.load8_u (i32.add (local.get $a) (local.get $right))))
          (i32.add (i32.load8_u (local.get $c)) (i32.load8_u (i32.add (local.get $c) (local.get $right))))))
        (local.set $sg (i32.add
          (i32.add (i32.load8_u offset=1 (local.get $a)) (i32.load8_u offset=1 (i32.add (local.get $a) (local.get $right))))
          (i32.add (i32.load8_u offset=1 (local.get $c)) (i32.load8_u offset=1 (i32.add (local.get $c) (local.get $right))))))
        (local.set $sb (i32.add
          (i32.add (i32.load8_u offset=2 (local.get $a)) (i32.load8_u offset=2 (i32.add (local.get $a) (local.get $right))))
          (i32.add (i32.load8_u offset=2 (local.get $c)) (i32.load8_u offset=2 (i32.add (local.get $c) (local.get $right))))))
        (i32.store8 (i32.add (local.get $u) (local.get $x)) (call $chroma1 (local.get $sr) (local.get $sg) (local.get $sb) (local.get $ur) (local.get $ug) (local.get $ub) (local.get $offset)))
        (i32.store8 (i32.add (local.get $v) (local.get $x)) (call $chroma1 (local.get $sr) (local.get $sg) (local.get $sb) (local.get $vr) (local.get $vg) (local.get $vb) (local.get $offset)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $one))))

  ;; $chroma1 for four blocks at once, the weights and offset splat.
  (func $chroma4 (param $r v128) (param $g v128) (param $b v128) (param $kr v128) (param $kg v128) (param $kb v128) (param $offset v128) (result v128)
    (i32x4.min_s
      (i32x4.shr_s
        (i32x4.add
          (i32x4.shr_s
            (i32x4.add
              (i32x4.add (i32x4.mul (local.get $r) (local.get $kr)) (i32x4.mul (local.get $g) (local.get $kg)))
              (i32x4.mul (local.get $b) (local.get $kb)))
            (i32.const 2))
          (local.get $offset))
        (i32.const 16))
      (v128.const i32x4 255 255 255 255))))
